// The ledger entry: a small canonical commitment to one record version, never the record
// itself. RFC 8785 JSON of kind, id, version, time, acting organization and
// sha256(salt || canonical record); the 32-byte random salt stays beside the record, so a
// low-entropy record (a phone number, a short text) cannot be guessed from the public log.
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The largest entry a tlog-tiles entry bundle can hold (uint16 length prefix). */
export const MAX_ENTRY_BYTES = 65_535;
export const SALT_BYTES = 32;

export class LedgerEntryError extends Error {
  override name = 'LedgerEntryError';
}

export interface CommitmentInput {
  kind: string;
  id: string;
  version: number;
  org: string;
  record: unknown;
  at?: Date;
}

export interface EntryFields {
  /** Format version of the entry. */
  v: 1;
  kind: string;
  id: string;
  version: number;
  org: string;
  /** RFC 3339 time in UTC with milliseconds. */
  at: string;
  /** base64 of sha256(salt || RFC 8785 canonical record). */
  commitment: string;
}

/** RFC 8785 canonical form of a JSON value; throws for values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new LedgerEntryError('the record cannot be represented as JSON');
  return s;
}

export function recordDigest(salt: Uint8Array, record: unknown): Buffer {
  return createHash('sha256').update(salt).update(canonicalJson(record), 'utf8').digest();
}

// Salts come out of a pool filled 256 at a time: one call to the system's random source per 256
// entries instead of one per entry (a batch of a thousand exposures, the group commit's appends).
const POOL_SALTS = 256;
let pool = Buffer.alloc(0);
let poolAt = 0;

function freshSalt(): Buffer {
  if (poolAt >= pool.length) {
    pool = randomBytes(SALT_BYTES * POOL_SALTS);
    poolAt = 0;
  }
  const salt = pool.subarray(poolAt, poolAt + SALT_BYTES);
  poolAt += SALT_BYTES;
  return salt;
}

/**
 * RFC 8785 form of the entry fields, written out: the keys in their sorted order (at, commitment,
 * id, kind, org, v, version), strings as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2.2)
 * and the version, a safe integer, in decimal. Equal to canonicalJson(fields) (checked by the tests),
 * at a fraction of its cost: every ledger write pays it.
 */
function entryJson(f: EntryFields): string {
  return `{"at":${JSON.stringify(f.at)},"commitment":${JSON.stringify(f.commitment)},"id":${JSON.stringify(f.id)},"kind":${JSON.stringify(f.kind)},"org":${JSON.stringify(f.org)},"v":1,"version":${f.version}}`;
}

/** Builds the canonical entry bytes for one record version, with a fresh salt unless given. */
export function buildEntry(input: CommitmentInput, salt: Uint8Array = freshSalt()) {
  if (!input.kind || !/^[a-z][a-z0-9_.-]{0,63}$/.test(input.kind)) {
    throw new LedgerEntryError(`record kind ${JSON.stringify(input.kind)} must match [a-z][a-z0-9_.-]{0,63}`);
  }
  if (!input.id || input.id.length > 200) throw new LedgerEntryError('record id must be 1 to 200 characters');
  if (!Number.isSafeInteger(input.version) || input.version < 0) {
    throw new LedgerEntryError(`record version ${input.version} must be a non-negative integer`);
  }
  if (!input.org || input.org.length > 200)
    throw new LedgerEntryError('organization id must be 1 to 200 characters');
  const at = input.at ?? new Date();
  if (Number.isNaN(at.getTime())) throw new LedgerEntryError('record time is not a valid date');
  const fields: EntryFields = {
    v: 1,
    kind: input.kind,
    id: input.id,
    version: input.version,
    org: input.org,
    at: at.toISOString(),
    commitment: recordDigest(salt, input.record).toString('base64'),
  };
  const entry = Buffer.from(entryJson(fields), 'utf8');
  if (entry.length > MAX_ENTRY_BYTES)
    throw new LedgerEntryError(`entry is ${entry.length} bytes, over ${MAX_ENTRY_BYTES}`);
  return { entry, salt: Buffer.from(salt), fields };
}

/** Parses entry bytes back into their fields; throws LedgerEntryError when they are not an entry. */
export function parseEntry(entry: Uint8Array): EntryFields {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(entry).toString('utf8'));
  } catch {
    throw new LedgerEntryError('entry is not JSON');
  }
  const f = v as Partial<EntryFields>;
  if (
    typeof v !== 'object' ||
    v === null ||
    f.v !== 1 ||
    typeof f.kind !== 'string' ||
    typeof f.id !== 'string' ||
    typeof f.version !== 'number' ||
    typeof f.org !== 'string' ||
    typeof f.at !== 'string' ||
    typeof f.commitment !== 'string'
  ) {
    throw new LedgerEntryError('entry does not have the fields of a ledger entry');
  }
  if (canonicalJson(v) !== Buffer.from(entry).toString('utf8'))
    throw new LedgerEntryError('entry is not canonical JSON');
  return f as EntryFields;
}

/** True when `record` with `salt` is the record the entry commits to. */
export function entryCommitsTo(entry: Uint8Array, salt: Uint8Array, record: unknown): boolean {
  return parseEntry(entry).commitment === recordDigest(salt, record).toString('base64');
}
