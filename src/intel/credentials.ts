// Remote feed credentials at rest: sealed with AES-256-GCM under a key derived by scrypt (random salt
// per value) from the same secret the ledger wraps its signing key with (BULWARK_LEDGER_SECRET, else
// the key-encryption key file beside the data), so the database, its WAL, a dump or a move to
// PostgreSQL never hold a remote token in the clear. Opened only to call the remote server; never
// served. Tokens stored in the clear by an older version are sealed on start (FeedService).
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { type KeyWrapping, readKekFile } from '../ledger/index.ts';

const MAGIC = Buffer.from('bwf1');
const HEADER = 4 + 16 + 12 + 16;

export class CredentialError extends Error {
  override name = 'CredentialError';
}

export class CredentialBox {
  /** Derived keys by secret and salt: scrypt is slow on purpose, a feed run opens its token once. */
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly wrapping: KeyWrapping) {}

  private derive(secret: string, salt: Buffer): Buffer {
    const k = `${secret.length}:${secret}:${salt.toString('hex')}`;
    let key = this.keys.get(k);
    if (!key) {
      key = scryptSync(secret, Buffer.concat([Buffer.from('bulwark intel feed credential\n'), salt]), 32);
      if (this.keys.size > 256) this.keys.clear();
      this.keys.set(k, key);
    }
    return key;
  }

  /** The secret new values are sealed under: the configured secret, else the KEK file (made if absent). */
  private preferred(): string {
    return this.wrapping.secret ?? readKekFile(this.wrapping.kekFile, true)!;
  }

  seal(plain: string): Buffer {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.derive(this.preferred(), salt), iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([MAGIC, salt, iv, c.getAuthTag(), body]);
  }

  open(blob: Buffer): string {
    if (blob.length < HEADER || !blob.subarray(0, 4).equals(MAGIC))
      throw new CredentialError('the stored feed credential is not in a known format');
    const candidates: string[] = [];
    if (this.wrapping.secret !== undefined) candidates.push(this.wrapping.secret);
    const kek = readKekFile(this.wrapping.kekFile, false);
    if (kek !== undefined) candidates.push(kek);
    for (const secret of candidates) {
      const d = createDecipheriv(
        'aes-256-gcm',
        this.derive(secret, blob.subarray(4, 20)),
        blob.subarray(20, 32),
      );
      d.setAuthTag(blob.subarray(32, HEADER));
      try {
        return Buffer.concat([d.update(blob.subarray(HEADER)), d.final()]).toString('utf8');
      } catch {
        // try the next secret
      }
    }
    throw new CredentialError(
      'the stored feed credential cannot be opened: BULWARK_LEDGER_SECRET or the key-encryption key file changed',
    );
  }
}
