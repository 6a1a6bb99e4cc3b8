// The notify key: webhook signing secrets are stored encrypted (AES-256-GCM) under it. It is
// derived by scrypt from BULWARK_NOTIFY_SECRET (else BULWARK_LEDGER_SECRET) when one is set, so
// every process of one database derives the same key; otherwise it is a random key in a file
// beside the data (0600, made on first start), so the database alone never reveals a secret.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

export class NotifyKeyError extends Error {
  override name = 'NotifyKeyError';
}

const SALT = Buffer.from('bulwark notify key v1');

function fileKey(file: string): Buffer {
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    // Another process made it meanwhile: read theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export class NotifyKey {
  private constructor(private readonly key: Buffer) {}

  static load(opts: { secret?: string; keyFile: string }): NotifyKey {
    const key = opts.secret !== undefined ? scryptSync(opts.secret, SALT, 32) : fileKey(opts.keyFile);
    if (key.length !== 32) throw new NotifyKeyError(`${opts.keyFile} does not hold a 32-byte key`);
    return new NotifyKey(key);
  }

  seal(plain: string): Buffer {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  open(blob: Buffer): string {
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([d.update(blob.subarray(28)), d.final()]).toString('utf8');
    } catch {
      throw new NotifyKeyError(
        'the notify key does not decrypt a stored webhook secret (BULWARK_NOTIFY_SECRET or the key file changed)',
      );
    }
  }
}
