// The log's Ed25519 signing key: generated on first start and kept in the database. The seed is
// encrypted with AES-256-GCM under a key derived (scrypt) from BULWARK_LEDGER_SECRET when that is
// set; without it the seed is stored as is (and a warning is logged). It is never served.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { Queryable } from '../platform/db/types.ts';
import {
  ed25519PrivateKey,
  ed25519RawPublicKey,
  ed25519Signer,
  formatVerifierKey,
  type NoteSigner,
  SIG_ED25519,
} from './note.ts';
import { findKey, insertKeyOnce } from './repo.ts';

export class LedgerKeyError extends Error {
  override name = 'LedgerKeyError';
}

const MAGIC = Buffer.from('bwk1');

function wrapKey(secret: string, salt: Buffer): Buffer {
  return scryptSync(secret, Buffer.concat([Buffer.from('bulwark ledger key\n'), salt]), 32);
}

export function encryptSeed(seed: Buffer, secret: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', wrapKey(secret, salt), iv);
  const body = Buffer.concat([c.update(seed), c.final()]);
  return Buffer.concat([MAGIC, salt, iv, c.getAuthTag(), body]);
}

export function decryptSeed(blob: Buffer, secret: string): Buffer {
  if (!blob.subarray(0, 4).equals(MAGIC) || blob.length !== 4 + 16 + 12 + 16 + 32)
    throw new LedgerKeyError('stored ledger key is not in a known format');
  const salt = blob.subarray(4, 20);
  const iv = blob.subarray(20, 32);
  const tag = blob.subarray(32, 48);
  const d = createDecipheriv('aes-256-gcm', wrapKey(secret, salt), iv);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(blob.subarray(48)), d.final()]);
  } catch {
    throw new LedgerKeyError('BULWARK_LEDGER_SECRET does not decrypt the stored ledger key');
  }
}

export interface LogKey {
  origin: string;
  signer: NoteSigner;
  publicKey: Buffer;
  /** The verifier key `origin+hexid+base64(0x01||key)` served at /ledger/key. */
  vkey: string;
  encrypted: boolean;
}

/** Loads the log key, generating and storing it on first start. */
export async function loadOrCreateLogKey(
  db: Queryable,
  origin: string,
  secret: string | undefined,
): Promise<LogKey> {
  let row = await findKey(db);
  if (!row) {
    const seed = randomBytes(32);
    const publicKey = ed25519RawPublicKey(ed25519PrivateKey(seed));
    row = await insertKeyOnce(db, {
      origin,
      publicKey,
      privateKey: secret ? encryptSeed(seed, secret) : seed,
      encrypted: secret !== undefined,
    });
  }
  if (row.encrypted && !secret)
    throw new LedgerKeyError('the ledger key is encrypted: set BULWARK_LEDGER_SECRET');
  const seed = row.encrypted ? decryptSeed(row.privateKey, secret!) : row.privateKey;
  const signer = ed25519Signer(row.origin, seed);
  if (!ed25519RawPublicKey(ed25519PrivateKey(seed)).equals(row.publicKey))
    throw new LedgerKeyError('stored ledger key pair does not match');
  return {
    origin: row.origin,
    signer,
    publicKey: row.publicKey,
    vkey: formatVerifierKey(row.origin, SIG_ED25519, row.publicKey),
    encrypted: row.encrypted,
  };
}
