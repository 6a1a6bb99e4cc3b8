// The ledger entry: a small canonical commitment to one record version, never the record
// itself. The public entry (v2, since issue 8) is opaque: {"c": sha256(salt || metadata), "v": 2},
// where the metadata is the RFC 8785 JSON of kind, id, version, time, acting organization and
// sha256(salt || canonical record). So the public log shows neither who nor what nor when; the
// metadata and the 32-byte random salt stay beside the record (ledger_commitments), served only to
// the record's readers and auditors, and a low-entropy record (a phone number, a short text)
// cannot be guessed. Entries appended before (v1) carried the metadata in the clear; the log is
// append-only, so they stay, and parseEntry reads both.
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

/** What an entry commits to about its record: who, what and when, and the record's digest. */
export interface EntryMetadata {
  kind: string;
  id: string;
  version: number;
  org: string;
  /** RFC 3339 time in UTC with milliseconds. */
  at: string;
  /** base64 of sha256(salt || RFC 8785 canonical record). */
  commitment: string;
}

/** A public entry of format 1 (before issue 8): the metadata in the clear. */
export interface EntryFields extends EntryMetadata {
  v: 1;
}

/** A public entry of format 2: only the commitment to the metadata. */
export interface OpaqueEntry {
  v: 2;
  /** base64 of sha256(salt || RFC 8785 metadata). */
  c: string;
}

export type PublicEntry = EntryFields | OpaqueEntry;

/** RFC 8785 canonical form of a JSON value; throws for values JSON cannot represent. */
export function canonicalJson(value: unknown): string {
  const flat = flatCanonicalJson(value);
  if (flat !== undefined) return flat;
  const s = canonicalize(value);
  if (s === undefined) throw new LedgerEntryError('the record cannot be represented as JSON');
  return s;
}

// A code unit of a surrogate pair, paired or not: such strings go to the general path.
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * RFC 8785 form of a plain object whose values are all strings, finite numbers, booleans, null or
 * undefined (skipped), written in one pass: keys sorted by UTF-16 code units (what sort() does),
 * each key and value as JSON.stringify writes it (RFC 8785 §3.2.2). The same string canonicalize
 * gives, at a fraction of its cost: every exposure and most records a ledger write commits are of
 * this shape, a thousand per new advisory. Anything else (nesting, arrays, toJSON, other
 * prototypes, surrogates, non-finite numbers) returns undefined and takes the general path.
 */
function flatCanonicalJson(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype)
    return undefined;
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const v = record[key];
    let json: string;
    if (typeof v === 'string') {
      if (SURROGATE.test(v)) return undefined;
      json = JSON.stringify(v);
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return undefined;
      json = JSON.stringify(v);
    } else if (typeof v === 'boolean') json = v ? 'true' : 'false';
    else if (v === null) json = 'null';
    else if (v === undefined) continue;
    else return undefined;
    if (SURROGATE.test(key)) return undefined;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return `${out}}`;
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
 * RFC 8785 form of the metadata, written out: the keys in their sorted order (at, commitment, id,
 * kind, org, version), strings as ECMAScript's JSON.stringify writes them (RFC 8785 §3.2.2.2) and
 * the version, a safe integer, in decimal. Equal to canonicalJson(metadata) (checked by the tests),
 * at a fraction of its cost: every ledger write pays it.
 */
function metadataJson(f: EntryMetadata): string {
  return `{"at":${JSON.stringify(f.at)},"commitment":${JSON.stringify(f.commitment)},"id":${JSON.stringify(f.id)},"kind":${JSON.stringify(f.kind)},"org":${JSON.stringify(f.org)},"version":${f.version}}`;
}

/** The stored bytes of metadata: what an owner hashes with the salt to check an opaque entry. */
export function metadataBytes(m: EntryMetadata): Buffer {
  return Buffer.from(metadataJson(m), 'utf8');
}

/** base64 of sha256(salt || metadata bytes): the `c` of an opaque entry. */
export function metadataDigest(salt: Uint8Array, metadata: Uint8Array): string {
  return createHash('sha256').update(salt).update(metadata).digest('base64');
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
  const fields: EntryMetadata = {
    kind: input.kind,
    id: input.id,
    version: input.version,
    org: input.org,
    at: at.toISOString(),
    commitment: recordDigest(salt, input.record).toString('base64'),
  };
  const metadata = Buffer.from(metadataJson(fields), 'utf8');
  if (metadata.length > MAX_ENTRY_BYTES)
    throw new LedgerEntryError(`entry metadata is ${metadata.length} bytes, over ${MAX_ENTRY_BYTES}`);
  const entry = Buffer.from(`{"c":"${metadataDigest(salt, metadata)}","v":2}`, 'utf8');
  return { entry, salt: Buffer.from(salt), metadata, fields };
}

function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new LedgerEntryError(`${what} is not JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new LedgerEntryError(`${what} is not a JSON object`);
  if (canonicalJson(v) !== Buffer.from(bytes).toString('utf8'))
    throw new LedgerEntryError(`${what} is not canonical JSON`);
  return v as Record<string, unknown>;
}

function hasMetadata(f: Record<string, unknown>): boolean {
  return (
    typeof f.kind === 'string' &&
    typeof f.id === 'string' &&
    typeof f.version === 'number' &&
    typeof f.org === 'string' &&
    typeof f.at === 'string' &&
    typeof f.commitment === 'string'
  );
}

/** Parses public entry bytes (format 1 or 2); throws LedgerEntryError when they are not an entry. */
export function parseEntry(entry: Uint8Array): PublicEntry {
  const f = parseJsonObject(entry, 'entry');
  if (f.v === 2 && typeof f.c === 'string' && Object.keys(f).length === 2) return f as unknown as OpaqueEntry;
  if (f.v === 1 && hasMetadata(f) && Object.keys(f).length === 7) return f as unknown as EntryFields;
  throw new LedgerEntryError('entry does not have the fields of a ledger entry');
}

/** Parses stored metadata bytes (the RFC 8785 JSON an opaque entry commits to). */
export function parseMetadata(metadata: Uint8Array): EntryMetadata {
  const f = parseJsonObject(metadata, 'entry metadata');
  if (!hasMetadata(f) || Object.keys(f).length !== 6)
    throw new LedgerEntryError('entry metadata does not have the fields of ledger metadata');
  return f as unknown as EntryMetadata;
}

/**
 * The metadata of a stored commitment: in the entry itself for format 1, else the stored metadata,
 * checked against the entry's commitment with the salt (so what is served is what the log holds).
 */
export function metadataOf(entry: Uint8Array, salt: Uint8Array, metadata: Uint8Array | null): EntryMetadata {
  const e = parseEntry(entry);
  if (e.v === 1) {
    const { v: _v, ...m } = e;
    return m;
  }
  if (!metadata) throw new LedgerEntryError('an opaque entry without its stored metadata');
  if (metadataDigest(salt, metadata) !== e.c)
    throw new LedgerEntryError('the stored metadata is not what the entry commits to');
  return parseMetadata(metadata);
}

/**
 * True when `record` with `salt` is the record the entry commits to; an opaque entry needs its
 * metadata (which must match the entry too).
 */
export function entryCommitsTo(
  entry: Uint8Array,
  salt: Uint8Array,
  record: unknown,
  metadata: Uint8Array | null = null,
): boolean {
  let m: EntryMetadata;
  try {
    m = metadataOf(entry, salt, metadata);
  } catch (err) {
    if (err instanceof LedgerEntryError) return false;
    throw err;
  }
  return m.commitment === recordDigest(salt, record).toString('base64');
}
