// Feed credentials at rest: sealed values open under the secret they were sealed with (the
// configured secret, else the key-encryption key file), never contain the clear text, differ each
// time (random salt and IV), and refuse to open under another secret or when tampered with.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CredentialBox, CredentialError } from './credentials.ts';

const token = 'bwt_remote-server-token-0123456789';

test('sealed under the secret: opens, never holds the clear token, differs each time', () => {
  const box = new CredentialBox({
    secret: 'a secret of enough length',
    kekFile: join(tmpdir(), randomUUID()),
  });
  const a = box.seal(token);
  const b = box.seal(token);
  assert.ok(!a.includes(Buffer.from(token)));
  assert.ok(!a.equals(b));
  assert.equal(box.open(a), token);
  assert.equal(box.open(b), token);
  const other = new CredentialBox({
    secret: 'another secret, also long',
    kekFile: join(tmpdir(), randomUUID()),
  });
  assert.throws(() => other.open(a), CredentialError);
  const tampered = Buffer.from(a);
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => box.open(tampered), CredentialError);
  assert.throws(() => box.open(Buffer.from('plain text')), /not in a known format/);
});

test('without a secret: sealed under the key-encryption key file, still opened once a secret is set', () => {
  const kekFile = join(tmpdir(), `kek-${randomUUID()}`);
  try {
    const box = new CredentialBox({ kekFile });
    const sealed = box.seal(token);
    assert.equal(box.open(sealed), token);
    // A secret configured later: values sealed under the file's key still open.
    assert.equal(new CredentialBox({ secret: 'set later, long enough', kekFile }).open(sealed), token);
    rmSync(kekFile);
    assert.throws(() => new CredentialBox({ kekFile }).open(sealed), CredentialError);
  } finally {
    rmSync(kekFile, { force: true });
  }
});
