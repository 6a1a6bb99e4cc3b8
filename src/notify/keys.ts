// The notify key: webhook signing secrets are stored encrypted (AES-256-GCM) under it. It is
// derived by scrypt from BULWARK_NOTIFY_SECRET (else BULWARK_LEDGER_SECRET) when one is set, so
// every process of one database derives the same key; otherwise from the ledger's key-encryption
// key file beside the data (0600, made on first start; the same file the ledger and the intel
// feed credentials use), so the database alone never reveals a secret.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readKekFile } from '../ledger/index.ts';

export class NotifyKeyError extends Error {
  override name = 'NotifyKeyError';
}

const SALT = Buffer.from('bulwark notify key v1');

export class NotifyKey {
  private constructor(private readonly key: Buffer) {}

  static load(opts: { secret?: string; keyFile: string }): NotifyKey {
    const secret = opts.secret ?? readKekFile(opts.keyFile, true);
    if (!secret) throw new NotifyKeyError(`${opts.keyFile} holds no key`);
    return new NotifyKey(scryptSync(secret, SALT, 32));
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
