// The portal's keys. One random root secret is generated on first start and kept in the database
// (public_secrets), encrypted with AES-256-GCM under a key derived by scrypt from
// BULWARK_PUBLIC_SECRET (else BULWARK_LEDGER_SECRET) when one is set, as the ledger keeps its
// signing key; every server process of one database derives the same keys from it (HKDF):
// the contact cipher, the keyed hashes (contact, reporter, fingerprint), receipt tokens of
// resubmissions and the proof-of-work signatures.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import type { Queryable } from '../platform/db/types.ts';
import { findSecret, insertSecretOnce } from './repo.ts';

const MAGIC = Buffer.from('bwp1');

export class PublicKeyError extends Error {
  override name = 'PublicKeyError';
}

function wrapKey(secret: string, salt: Buffer): Buffer {
  return scryptSync(secret, Buffer.concat([Buffer.from('bulwark public portal key\n'), salt]), 32);
}

function seal(key: Buffer, plain: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

function open(key: Buffer, blob: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
  d.setAuthTag(blob.subarray(12, 28));
  return Buffer.concat([d.update(blob.subarray(28)), d.final()]);
}

export class PortalKeys {
  private readonly contactKey: Buffer;
  private readonly hashKey: Buffer;
  readonly powSecret: string;
  readonly powKeySecret: string;

  constructor(root: Buffer) {
    const derive = (label: string) =>
      Buffer.from(hkdfSync('sha256', root, Buffer.alloc(0), `bulwark public ${label}`, 32));
    this.contactKey = derive('contact');
    this.hashKey = derive('hash');
    this.powSecret = derive('pow').toString('base64');
    this.powKeySecret = derive('pow key').toString('base64');
  }

  /** AES-256-GCM of a reporter's contact (random IV; the tag authenticates it). */
  encryptContact(contact: string): Buffer {
    return seal(this.contactKey, Buffer.from(contact, 'utf8'));
  }

  decryptContact(blob: Buffer): string {
    return open(this.contactKey, blob).toString('utf8');
  }

  /** A keyed hash (HMAC-SHA-256) of a labelled value: equal values meet, the database alone learns nothing. */
  keyed(label: string, value: string): Buffer {
    return createHmac('sha256', this.hashKey).update(`${label}\n${value}`).digest();
  }

  /**
   * The receipt token of a report: random, unless the report can be resubmitted (an Idempotency-Key,
   * or a reporter token + the report's fingerprint), when it is derived from that material so the
   * same resubmission gets the same token back while the database keeps only its hash.
   */
  receiptToken(material?: string): string {
    const raw = material === undefined ? randomBytes(32) : this.keyed('receipt', material);
    return `bwr_${raw.toString('base64url')}`;
  }
}

/** SHA-256 of a receipt token: what the database keeps. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Loads the portal's root secret, generating and storing it on first start. */
export async function loadPortalKeys(db: Queryable, secret: string | undefined): Promise<PortalKeys> {
  let row = await findSecret(db, 'root');
  if (!row) {
    const root = randomBytes(32);
    let value = root;
    if (secret !== undefined) {
      const salt = randomBytes(16);
      value = Buffer.concat([MAGIC, salt, seal(wrapKey(secret, salt), root)]);
    }
    await insertSecretOnce(db, 'root', value, secret !== undefined);
    row = (await findSecret(db, 'root'))!;
  }
  if (!row.encrypted) return new PortalKeys(row.value);
  if (secret === undefined)
    throw new PublicKeyError(
      'the public portal key is encrypted: set BULWARK_PUBLIC_SECRET (or BULWARK_LEDGER_SECRET)',
    );
  if (!row.value.subarray(0, 4).equals(MAGIC))
    throw new PublicKeyError('stored public portal key is not in a known format');
  const salt = row.value.subarray(4, 20);
  try {
    return new PortalKeys(open(wrapKey(secret, salt), row.value.subarray(20)));
  } catch {
    throw new PublicKeyError('BULWARK_PUBLIC_SECRET does not decrypt the stored public portal key');
  }
}
