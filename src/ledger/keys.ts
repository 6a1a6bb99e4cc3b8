// The log's Ed25519 signing key: generated on first start and kept in the database, never
// unencrypted (issue 8 #6): the seed is encrypted with AES-256-GCM under a key derived (scrypt)
// from BULWARK_LEDGER_SECRET when that is set, else from a random key-encryption key kept in a
// file beside the data (0600, `<data>/ledger-kek`, made on first start), so neither the database
// files, their WAL, a dump nor a move to PostgreSQL carry the seed in the clear. A key stored
// unencrypted by an older version is encrypted on start; a key under the file's KEK is re-wrapped
// under the secret once one is set. It is never served.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Queryable } from '../platform/db/types.ts';
import {
  ed25519PrivateKey,
  ed25519RawPublicKey,
  ed25519Signer,
  formatVerifierKey,
  type NoteSigner,
  SIG_ED25519,
} from './note.ts';
import { encryptStoredKey, findKey, insertKeyOnce } from './repo.ts';

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
  /** What the key is encrypted under now. */
  wrappedBy: 'secret' | 'kek-file';
  /** What this start did to the stored key, for the log: made, encrypted (was clear), re-wrapped. */
  changed?: 'created' | 'encrypted' | 'rewrapped';
}

/** Where the key-encryption secret comes from: the configured secret, else the KEK file. */
export interface KeyWrapping {
  secret?: string;
  kekFile: string;
}

/** Reads the KEK file, or makes it (32 random bytes, base64, 0600, created exclusively) when `create`. */
export function readKekFile(file: string, create: boolean): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new LedgerKeyError(
        `cannot read the ledger key-encryption key ${file}: ${(err as Error).message}`,
      );
    }
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const kek = randomBytes(32).toString('base64');
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  try {
    writeSync(fd, `${kek}\n`);
  } finally {
    closeSync(fd);
  }
  return kek;
}

/** Loads the log key, generating and storing it (encrypted) on first start. */
export async function loadOrCreateLogKey(
  db: Queryable,
  origin: string,
  wrapping: KeyWrapping,
): Promise<LogKey> {
  const { secret, kekFile } = wrapping;
  // The wrapping key new and re-wrapped keys use: the secret when set, else the file's KEK.
  const preferred = (): string => secret ?? readKekFile(kekFile, true)!;
  const wrappedBy = secret !== undefined ? 'secret' : 'kek-file';
  let changed: LogKey['changed'];
  let row = await findKey(db);
  let seed: Buffer;
  if (!row) {
    seed = randomBytes(32);
    const publicKey = ed25519RawPublicKey(ed25519PrivateKey(seed));
    row = await insertKeyOnce(db, {
      origin,
      publicKey,
      privateKey: encryptSeed(seed, preferred()),
      encrypted: true,
    });
    changed = 'created';
  }
  if (!row.encrypted) {
    // Stored in the clear by an older version: encrypt it now.
    seed = row.privateKey;
    await encryptStoredKey(db, row.origin, encryptSeed(seed, preferred()));
    changed = 'encrypted';
  } else {
    seed = openSeed(row.privateKey, secret, kekFile);
    if (secret !== undefined && !tryDecrypt(row.privateKey, secret)) {
      // Encrypted under the file's KEK before a secret was set: move it under the secret.
      await encryptStoredKey(db, row.origin, encryptSeed(seed, secret));
      changed = 'rewrapped';
    }
  }
  const signer = ed25519Signer(row.origin, seed);
  if (!ed25519RawPublicKey(ed25519PrivateKey(seed)).equals(row.publicKey))
    throw new LedgerKeyError('stored ledger key pair does not match');
  return {
    origin: row.origin,
    signer,
    publicKey: row.publicKey,
    vkey: formatVerifierKey(row.origin, SIG_ED25519, row.publicKey),
    encrypted: true,
    wrappedBy,
    ...(changed ? { changed } : {}),
  };
}

function tryDecrypt(blob: Buffer, secret: string): Buffer | undefined {
  try {
    return decryptSeed(blob, secret);
  } catch (err) {
    if (err instanceof LedgerKeyError) return undefined;
    throw err;
  }
}

/** Decrypts the stored seed with the secret or, failing that, the KEK file; says which to set when neither opens it. */
function openSeed(blob: Buffer, secret: string | undefined, kekFile: string): Buffer {
  if (secret !== undefined) {
    const s = tryDecrypt(blob, secret);
    if (s) return s;
  }
  const kek = readKekFile(kekFile, false);
  const k = kek === undefined ? undefined : tryDecrypt(blob, kek);
  if (k) return k;
  if (secret !== undefined)
    throw new LedgerKeyError(
      `BULWARK_LEDGER_SECRET does not decrypt the stored ledger key${kek === undefined ? '' : `, nor does ${kekFile}`}`,
    );
  throw new LedgerKeyError(
    kek === undefined
      ? `the ledger key is encrypted: set BULWARK_LEDGER_SECRET, or restore its key-encryption key file ${kekFile}`
      : `${kekFile} does not decrypt the stored ledger key: set BULWARK_LEDGER_SECRET`,
  );
}
