import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CheckpointError,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.ts';
import {
  CosignatureError,
  cosignCheckpoint,
  parseWitnessKeys,
  verifyCosignatures,
  withCosignatures,
} from './cosignature.ts';
import { loadFixtures } from './fixtures.test-util.ts';
import {
  computeKeyId,
  cosignatureTime,
  decodeNote,
  formatVerifierKey,
  generateNoteKey,
  NoteError,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
  signNote,
} from './note.ts';

const fx = loadFixtures().notes;
const k1 = parseSignerKey(fx.skey1);
const k2 = parseSignerKey(fx.skey2);
const v1 = parseVerifierKey(fx.vkey1);
const v2 = parseVerifierKey(fx.vkey2);

describe('signed notes (Go reference)', () => {
  test('signer and verifier keys parse and round-trip', () => {
    assert.equal(k1.name, 'bulwark.example/ledger');
    assert.equal(formatVerifierKey(v1.name, v1.type, v1.publicKey), fx.vkey1);
    assert.deepEqual(k1.signer.keyId, v1.keyId);
    assert.equal(fx.vkey1.split('+')[1], v1.keyId.toString('hex'));
  });
  test('signatures are byte-identical to the Go reference (Ed25519 is deterministic)', () => {
    assert.equal(signNote(fx.checkpoint, [k1.signer]), fx.signed1);
    assert.equal(signNote(`${fx.checkpoint}extension line one\n`, [k1.signer]), fx.signedExt);
    assert.equal(signNote(fx.checkpoint, [k1.signer, k2.signer]), fx.signed12);
  });
  test('open agrees with Go on valid and tampered notes', () => {
    const byName = {
      valid: [v1],
      'valid with extension': [v1],
      'two signers, both known': [v1, v2],
      'two signers, one known': [v1],
    } as Record<string, (typeof v1)[]>;
    for (const c of fx.open) {
      const verifiers = byName[c.name] ?? (c.name === 'unknown key' ? [v2] : [v1]);
      if (c.ok) {
        const opened = openNote(c.note, verifiers);
        assert.equal(opened.verified.length, c.verifiedSigs, c.name);
      } else {
        assert.throws(
          () => openNote(c.note, verifiers),
          (err: Error) => err instanceof NoteError && err.message.includes(c.error!),
          c.name,
        );
      }
    }
    assert.ok(fx.open.some((c) => !c.ok) && fx.open.some((c) => c.ok));
  });
  test('malformed notes and keys are refused', () => {
    const bad = [
      fx.signed1.replace('— ', '-- '),
      fx.signed1.replace('\n\n', '\n'),
      fx.signed1.replace('bulwark.example/ledger pW', 'bulwark.example/ledger  pW'),
      fx.signed1.replace('=\n', '\n'),
      `${fx.checkpoint}\n— bulwark.example/ledger AAAA\n`,
      `${fx.checkpoint.replace('\n', '\t\n')}\n${fx.signed1.split('\n\n')[1]}`,
      `${fx.signed1}${'— x AAAAAAAA\n'.repeat(100)}`,
    ];
    for (const b of bad) assert.throws(() => openNote(b, [v1]), NoteError, JSON.stringify(b.slice(-60)));
    assert.throws(() => decodeNote(Buffer.from([0x61, 0xff, 0x0a])), /UTF-8/);
    for (const k of [
      fx.vkey1.replace('+a', '+b'),
      `${fx.vkey1}x`,
      'name+0000+AQ==',
      'na me+12345678+AQ==',
      fx.vkey1.toUpperCase(),
    ]) {
      assert.throws(() => parseVerifierKey(k), NoteError, k);
    }
    assert.throws(() => signNote('no newline', [k1.signer]), NoteError);
  });
  test('generated keys sign and verify', () => {
    const k = generateNoteKey('log.example/x');
    const s = parseSignerKey(k.skey);
    const note = signNote('hello\n', [s.signer]);
    assert.equal(openNote(note, [parseVerifierKey(k.vkey)]).text, 'hello\n');
    assert.throws(() => openNote(note, [v1]), /no verifiable signatures/);
  });
});

describe('cosignatures (tlog-cosignature, type 0x04)', () => {
  const witness = parseWitnessKeys([fx.cosignature.vkey]);
  const signed = fx.signed1;
  test('the reference cosignature verifies and ours is identical at the same time', () => {
    const line = fx.cosignature.line.trimEnd();
    const sigs = verifyCosignatures(signed, [line], v1, witness, new Date(1_800_000_000_000));
    assert.equal(cosignatureTime(sigs[0]!), fx.cosignature.timestamp);
    assert.equal(
      cosignCheckpoint(
        fx.checkpoint,
        'witness.example/w1',
        k2.seed,
        new Date(fx.cosignature.timestamp * 1000),
      ),
      line,
    );
    const merged = withCosignatures(signed, sigs);
    const opened = openCheckpoint(merged, v1, witness);
    assert.equal(opened.cosignatures.length, 1);
    assert.equal(opened.checkpoint.size, 1100);
  });
  test('the spec example line carries its key ID and timestamp', () => {
    const ex = parseNote(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n',
    );
    assert.equal(cosignatureTime(ex.signatures[0]!), 1679315147);
    assert.equal(ex.signatures[0]!.keyId.toString('hex'), '8d66cf3f');
  });
  test('wrong, foreign, future-dated and tampered cosignatures are refused', () => {
    const line = fx.cosignature.line.trimEnd();
    const now = new Date(1_800_000_000_000);
    assert.throws(() => verifyCosignatures(signed, [line], v1, [], now), CosignatureError);
    assert.throws(
      () => verifyCosignatures(signed, [line], v1, witness, new Date(1_600_000_000_000)),
      /future/,
    );
    const raw = Buffer.from(line.split(' ')[2]!, 'base64');
    raw[20]! ^= 1;
    assert.throws(
      () => verifyCosignatures(signed, [`— witness.example/w1 ${raw.toString('base64')}`], v1, witness, now),
      /invalid cosignature/,
    );
    const other = signNote(fx.checkpoint.replace('1100', '1101'), [k1.signer]);
    assert.throws(() => verifyCosignatures(other, [line], v1, witness, now), /invalid cosignature/);
    // A type 0x01 key with the same name is not a witness key.
    assert.throws(() => parseWitnessKeys([fx.vkey2]), CosignatureError);
    assert.equal(
      computeKeyId('witness.example/w1', SIG_COSIGNATURE_V1, witness[0]!.publicKey).toString('hex'),
      fx.cosignature.vkey.split('+')[1],
    );
  });
});

describe('checkpoints (tlog-checkpoint)', () => {
  test('format and parse round-trip, with extensions', () => {
    const c = parseCheckpoint(fx.checkpoint);
    assert.equal(c.origin, 'bulwark.example/ledger');
    assert.equal(c.size, 1100);
    assert.equal(formatCheckpoint(c), fx.checkpoint);
    const e = { ...c, extensions: ['ext one', 'ext two'] };
    assert.deepEqual(parseCheckpoint(formatCheckpoint(e)), e);
    assert.equal(signCheckpoint(c, k1.signer), fx.signed1);
  });
  test('malformed bodies are refused', () => {
    const root = parseCheckpoint(fx.checkpoint).root.toString('base64');
    for (const b of [
      'o\n01\nROOT\n',
      'o\n-1\nROOT\n',
      'o\n1.0\nROOT\n',
      'o\n1\nROOT',
      'o\n1\n',
      '\n1\nROOT\n',
      'o\n1\nROOT\n\n',
      'o\n99999999999999999999\nROOT\n',
      'o\n1\nAAAA\n',
      `o\n1\n${root.slice(0, -1)}\n`,
    ]) {
      assert.throws(() => parseCheckpoint(b.replace('ROOT', root)), CheckpointError, b);
    }
  });
  test('opening needs the log signature, from a key named as the origin', () => {
    assert.equal(openCheckpoint(fx.signed1, v1).checkpoint.size, 1100);
    assert.throws(() => openCheckpoint(fx.signed1, v2), /no verifiable signatures/);
    const foreign = signNote(fx.checkpoint.replace('bulwark.example/ledger', 'other.example/log'), [
      k1.signer,
    ]);
    assert.throws(() => openCheckpoint(foreign, v1), /origin/);
    // A witness signature alone is not the log's.
    assert.throws(() => openCheckpoint(signNote(fx.checkpoint, [k2.signer]), v1), CheckpointError);
  });
});
