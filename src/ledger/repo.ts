// All SQL of the ledger. Tiles are stored one row per tile at the widest width so far; a
// partial tile of a smaller width is its prefix. Checkpoints and tiles are written in the
// sequencer's transaction, so the stored tiles always match the latest checkpoint.
import type { Queryable } from '../platform/db/types.ts';
import { HASH_BYTES } from './merkle.ts';
import { type TileData, type TileId, truncateEntryBundle } from './tiles.ts';

/** Advisory lock held by the sequencer transaction: one integrator at a time per database. */
export const SEQUENCER_LOCK = 72_616_100;

const buf = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));

export interface CheckpointRow {
  treeSize: number;
  root: Buffer;
  note: string;
  createdAt: Date;
}

export async function insertCommitment(
  db: Queryable,
  c: {
    kind: string;
    id: string;
    version: number;
    org: string;
    salt: Buffer;
    entry: Buffer;
    metadata: Buffer;
  },
): Promise<number> {
  // The commitment and its row in the sequencer's queue, in one statement.
  const r = await db.query<{ seq: number }>(
    `WITH c AS (
       INSERT INTO ledger_commitments (record_kind, record_id, record_version, org_id, salt, entry, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING seq)
     INSERT INTO ledger_pending (seq) SELECT seq FROM c RETURNING seq`,
    [c.kind, c.id, c.version, c.org, c.salt, c.entry, c.metadata],
  );
  return Number(r.rows[0]!.seq);
}

/**
 * Inserts many commitments, and their rows in the sequencer's queue, in one statement (atomic on its
 * own: the group commit sends it outside any transaction, one round trip); returns their sequence
 * numbers in input order, matched back by
 * (kind, id, version), which is unique. The rows travel as one JSON text parameter, the byte
 * columns in base64: both drivers turn a bytea[] parameter into an escaped array literal in
 * JavaScript, which cost PGlite about half of the statement (1,000 rows: 60 ms as arrays, 30 ms
 * as JSON).
 */
export async function insertCommitments(
  db: Queryable,
  rows: readonly {
    kind: string;
    id: string;
    version: number;
    org: string;
    salt: Buffer;
    entry: Buffer;
    metadata: Buffer;
  }[],
): Promise<number[]> {
  const r = await db.query<{ seq: number; k: string; i: string; v: number }>(
    `WITH c AS (
       INSERT INTO ledger_commitments (record_kind, record_id, record_version, org_id, salt, entry, metadata)
       SELECT x.k, x.i, x.v, x.o, decode(x.s, 'base64'), decode(x.e, 'base64'), decode(x.m, 'base64')
         FROM ROWS FROM (json_to_recordset($1::json) AS (k text, i text, v int, o text, s text, e text, m text))
           WITH ORDINALITY AS x(k, i, v, o, s, e, m, ord)
         ORDER BY x.ord
       RETURNING seq, record_kind, record_id, record_version),
     p AS (INSERT INTO ledger_pending (seq) SELECT seq FROM c)
     SELECT seq, record_kind AS k, record_id AS i, record_version AS v FROM c`,
    [
      JSON.stringify(
        rows.map((x) => ({
          k: x.kind,
          i: x.id,
          v: x.version,
          o: x.org,
          s: x.salt.toString('base64'),
          e: x.entry.toString('base64'),
          m: x.metadata.toString('base64'),
        })),
      ),
    ],
  );
  const seqOf = new Map<string, number>();
  for (const x of r.rows) seqOf.set(`${x.k}\u0000${x.i}\u0000${x.v}`, Number(x.seq));
  return rows.map((x) => seqOf.get(`${x.kind}\u0000${x.id}\u0000${x.version}`)!);
}

/** Takes the sequencer lock for the current transaction; false when another process holds it. */
/** Waits for the sequencer lock until the transaction ends (first start: one process writes the empty checkpoint). */
export async function waitForSequencerLock(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
}

export async function tryLockSequencer(tx: Queryable): Promise<boolean> {
  const r = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [SEQUENCER_LOCK]);
  return r.rows[0]!.ok === true;
}

export async function pendingEntries(
  db: Queryable,
  limit: number,
): Promise<{ seq: number; entry: Buffer }[]> {
  // Entries as base64 text, decoded here: cheaper than either driver's bytea decoding (readTilesWithNodes).
  // Each entry is fetched by a correlated subquery, so by its primary key whatever the statistics say:
  // as a join, a fresh (never analysed) table was read whole and sorted for every batch.
  const r = await db.query<{ seq: number; entry: string }>(
    `SELECT p.seq, (SELECT encode(c.entry, 'base64') FROM ledger_commitments c WHERE c.seq = p.seq) AS entry
       FROM ledger_pending p ORDER BY p.seq LIMIT $1`,
    [limit],
  );
  return r.rows.map((x) => ({ seq: Number(x.seq), entry: Buffer.from(x.entry, 'base64') }));
}

export async function countPending(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_pending');
  return r.rows[0]!.n;
}

/**
 * Gives the commitments `seqs` the leaf indexes firstIndex, firstIndex + 1, …: takes them off the
 * queue and records their leaves, in one statement; the commitments' own rows are not written
 * (an UPDATE of them cost a new row version and three index entries per leaf). Fails, and so
 * rolls back the sequencer's transaction, unless every one of them was waiting.
 */
export async function assignLeafIndexes(tx: Queryable, seqs: number[], firstIndex: number): Promise<void> {
  if (seqs.length === 0) return;
  const r = await tx.query<{ taken: number; leaves: number }>(
    `WITH d AS (
       DELETE FROM ledger_pending p USING unnest($1::bigint[]) AS v(seq) WHERE p.seq = v.seq RETURNING p.seq),
     l AS (
       INSERT INTO ledger_leaves (leaf_index, seq)
       SELECT $2::bigint + v.ord - 1, v.seq FROM unnest($1::bigint[]) WITH ORDINALITY AS v(seq, ord)
       RETURNING 1)
     SELECT (SELECT count(*) FROM d)::int AS taken, (SELECT count(*) FROM l)::int AS leaves`,
    [seqs, firstIndex],
  );
  const { taken, leaves } = r.rows[0]!;
  if (taken !== seqs.length || leaves !== seqs.length)
    throw new Error(`assigned ${taken} of ${seqs.length} leaf indexes`);
}

/**
 * Stores hash tiles (with the inner hashes of full ones); a stored tile only ever grows. The bytes
 * travel as base64 text decoded in SQL: both drivers escape a bytea[] parameter in JavaScript, on
 * the thread that also serves requests (insertCommitments).
 */
export async function putTiles(tx: Queryable, tiles: readonly TileData[]): Promise<void> {
  if (tiles.length === 0) return;
  await tx.query(
    `INSERT INTO ledger_tiles (level, tile_index, width, data, nodes)
     SELECT level, tile_index, width, decode(data, 'base64'), decode(nodes, 'base64')
       FROM unnest($1::smallint[], $2::bigint[], $3::smallint[], $4::text[], $5::text[])
         AS t(level, tile_index, width, data, nodes)
     ON CONFLICT (level, tile_index) DO UPDATE SET width = EXCLUDED.width, data = EXCLUDED.data, nodes = EXCLUDED.nodes
     WHERE ledger_tiles.width < EXCLUDED.width`,
    [
      tiles.map((t) => t.level),
      tiles.map((t) => t.index),
      tiles.map((t) => t.width),
      tiles.map((t) => t.data.toString('base64')),
      tiles.map((t) => (t.width === 256 && t.nodes ? t.nodes.toString('base64') : null)),
    ],
  );
}

export async function putEntryBundles(tx: Queryable, bundles: readonly TileData[]): Promise<void> {
  if (bundles.length === 0) return;
  await tx.query(
    `INSERT INTO ledger_entry_bundles (tile_index, width, data)
     SELECT tile_index, width, decode(data, 'base64')
       FROM unnest($1::bigint[], $2::smallint[], $3::text[]) AS t(tile_index, width, data)
     ON CONFLICT (tile_index) DO UPDATE SET width = EXCLUDED.width, data = EXCLUDED.data
     WHERE ledger_entry_bundles.width < EXCLUDED.width`,
    [bundles.map((t) => t.index), bundles.map((t) => t.width), bundles.map((t) => t.data.toString('base64'))],
  );
}

/**
 * Reads hash tiles; each comes back truncated to the width asked for, or undefined when the
 * stored tile is narrower (or missing). Full tiles come with their stored inner hashes.
 */
export async function readTilesWithNodes(
  db: Queryable,
  ids: readonly TileId[],
): Promise<({ data: Buffer; nodes?: Buffer } | undefined)[]> {
  if (ids.length === 0) return [];
  type Row = { level: number; tile_index: number; width: number; data: string; nodes: string | null };
  // A proof through the tile cache misses at most its level-0 tile: one primary-key lookup, which
  // PGlite plans and runs about three times faster than the join on unnest arrays below. The
  // inner hashes are read only for a full tile, the one width that uses them. The bytes come back
  // as base64 text: PGlite's own decoding of a bytea result took about 1 ms of a level-0 tile
  // read (8 KiB), four fifths of it; Buffer.from(base64) takes a few microseconds.
  const r =
    ids.length === 1
      ? await db.query<Row>(
          `SELECT level, tile_index, width, encode(data, 'base64') AS data,
             ${ids[0]!.width === 256 ? "encode(nodes, 'base64')" : 'NULL::text'} AS nodes
           FROM ledger_tiles WHERE level = $1 AND tile_index = $2`,
          [ids[0]!.level, ids[0]!.index],
        )
      : await db.query<Row>(
          `SELECT t.level, t.tile_index, t.width, encode(t.data, 'base64') AS data,
             encode(t.nodes, 'base64') AS nodes FROM ledger_tiles t
           JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, tile_index) USING (level, tile_index)`,
          [ids.map((t) => t.level), ids.map((t) => t.index)],
        );
  const byKey = new Map(r.rows.map((x) => [`${x.level}/${Number(x.tile_index)}`, x]));
  return ids.map((t) => {
    const row = byKey.get(`${t.level}/${t.index}`);
    if (!row || row.width < t.width) return undefined;
    const full = t.width === 256 && row.nodes;
    return {
      data: Buffer.from(row.data, 'base64').subarray(0, t.width * HASH_BYTES),
      nodes: full ? Buffer.from(row.nodes!, 'base64') : undefined,
    };
  });
}

export async function readTiles(db: Queryable, ids: readonly TileId[]): Promise<(Buffer | undefined)[]> {
  return (await readTilesWithNodes(db, ids)).map((t) => t?.data);
}

export async function readEntryBundle(
  db: Queryable,
  index: number,
  width: number,
): Promise<Buffer | undefined> {
  const r = await db.query<{ width: number; data: Uint8Array }>(
    'SELECT width, data FROM ledger_entry_bundles WHERE tile_index = $1',
    [index],
  );
  const row = r.rows[0];
  if (!row || row.width < width) return undefined;
  return row.width === width ? buf(row.data) : truncateEntryBundle(buf(row.data), width);
}

export async function latestCheckpoint(db: Queryable): Promise<CheckpointRow | undefined> {
  const r = await db.query<{ tree_size: number; root: Uint8Array; note: string; created_at: Date }>(
    'SELECT tree_size, root, note, created_at FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1',
  );
  const row = r.rows[0];
  return (
    row && { treeSize: Number(row.tree_size), root: buf(row.root), note: row.note, createdAt: row.created_at }
  );
}

export async function checkpointAt(db: Queryable, size: number): Promise<CheckpointRow | undefined> {
  const r = await db.query<{ tree_size: number; root: Uint8Array; note: string; created_at: Date }>(
    'SELECT tree_size, root, note, created_at FROM ledger_checkpoints WHERE tree_size = $1',
    [size],
  );
  const row = r.rows[0];
  return (
    row && { treeSize: Number(row.tree_size), root: buf(row.root), note: row.note, createdAt: row.created_at }
  );
}

export async function insertCheckpoint(
  tx: Queryable,
  size: number,
  root: Buffer,
  note: string,
): Promise<void> {
  await tx.query('INSERT INTO ledger_checkpoints (tree_size, root, note) VALUES ($1, $2, $3)', [
    size,
    root,
    note,
  ]);
}

export async function listCheckpoints(
  db: Queryable,
  limit: number,
): Promise<{ treeSize: number; root: Buffer; createdAt: Date }[]> {
  const r = await db.query<{ tree_size: number; root: Uint8Array; created_at: Date }>(
    'SELECT tree_size, root, created_at FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT $1',
    [limit],
  );
  return r.rows.map((x) => ({ treeSize: Number(x.tree_size), root: buf(x.root), createdAt: x.created_at }));
}

export interface KeyRow {
  origin: string;
  publicKey: Buffer;
  privateKey: Buffer;
  encrypted: boolean;
}

export async function findKey(db: Queryable): Promise<KeyRow | undefined> {
  const r = await db.query<{
    origin: string;
    public_key: Uint8Array;
    private_key: Uint8Array;
    encrypted: boolean;
  }>('SELECT origin, public_key, private_key, encrypted FROM ledger_keys ORDER BY created_at LIMIT 1');
  const row = r.rows[0];
  return (
    row && {
      origin: row.origin,
      publicKey: buf(row.public_key),
      privateKey: buf(row.private_key),
      encrypted: row.encrypted,
    }
  );
}

/** Replaces the stored private key by its encrypted form. */
export async function encryptStoredKey(db: Queryable, origin: string, encrypted: Buffer): Promise<void> {
  await db.query('UPDATE ledger_keys SET private_key = $2, encrypted = true WHERE origin = $1', [
    origin,
    encrypted,
  ]);
}

/** Inserts the key unless a key exists already (another process won the race); returns the stored one. */
export async function insertKeyOnce(db: Queryable, k: KeyRow): Promise<KeyRow> {
  await db.query(
    `INSERT INTO ledger_keys (origin, public_key, private_key, encrypted)
     SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ledger_keys)
     ON CONFLICT DO NOTHING`,
    [k.origin, k.publicKey, k.privateKey, k.encrypted],
  );
  return (await findKey(db))!;
}

export async function putCosignature(
  db: Queryable,
  size: number,
  witness: string,
  line: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ledger_cosignatures (tree_size, witness, signature) VALUES ($1, $2, $3)
     ON CONFLICT (tree_size, witness) DO UPDATE SET signature = EXCLUDED.signature, received_at = now()`,
    [size, witness, line],
  );
}

export async function cosignaturesAt(
  db: Queryable,
  size: number,
): Promise<{ witness: string; line: string; receivedAt: Date }[]> {
  const r = await db.query<{ witness: string; signature: string; received_at: Date }>(
    'SELECT witness, signature, received_at FROM ledger_cosignatures WHERE tree_size = $1 ORDER BY witness',
    [size],
  );
  return r.rows.map((x) => ({ witness: x.witness, line: x.signature, receivedAt: x.received_at }));
}

/** The latest cosignature of each witness, with the size it cosigned. */
export async function latestCosignatures(
  db: Queryable,
): Promise<{ witness: string; treeSize: number; receivedAt: Date }[]> {
  const r = await db.query<{ witness: string; tree_size: number; received_at: Date }>(
    `SELECT DISTINCT ON (witness) witness, tree_size, received_at FROM ledger_cosignatures
     ORDER BY witness, tree_size DESC`,
  );
  return r.rows.map((x) => ({
    witness: x.witness,
    treeSize: Number(x.tree_size),
    receivedAt: x.received_at,
  }));
}

export interface CommitmentRow {
  seq: number;
  kind: string;
  id: string;
  version: number;
  org: string;
  salt: Buffer;
  entry: Buffer;
  /** The metadata an opaque (v2) entry commits to; null for v1 entries, which hold it. */
  metadata: Buffer | null;
  committedAt: Date;
  leafIndex: number | null;
}

export async function findCommitment(
  db: Queryable,
  kind: string,
  id: string,
  version: number | undefined,
): Promise<CommitmentRow | undefined> {
  const r = await db.query<{
    seq: number;
    record_kind: string;
    record_id: string;
    record_version: number;
    org_id: string;
    salt: Uint8Array;
    entry: Uint8Array;
    metadata: Uint8Array | null;
    committed_at: Date;
    leaf_index: number | null;
  }>(
    `SELECT c.seq, record_kind, record_id, record_version, org_id, salt, entry, metadata, committed_at,
       (SELECT l.leaf_index FROM ledger_leaves l WHERE l.seq = c.seq) AS leaf_index
     FROM ledger_commitments c
     WHERE record_kind = $1 AND record_id = $2 AND ($3::int IS NULL OR record_version = $3)
     ORDER BY record_version DESC LIMIT 1`,
    [kind, id, version ?? null],
  );
  const x = r.rows[0];
  return (
    x && {
      seq: Number(x.seq),
      kind: x.record_kind,
      id: x.record_id,
      version: x.record_version,
      org: x.org_id,
      salt: buf(x.salt),
      entry: buf(x.entry),
      metadata: x.metadata === null ? null : buf(x.metadata),
      committedAt: x.committed_at,
      leafIndex: x.leaf_index === null ? null : Number(x.leaf_index),
    }
  );
}

/**
 * Integrated commitments in leaf order, for the local audit (stored entries vs published bundles).
 * Here and in entriesByLeaf each commitment is fetched by its primary key (the LATERAL subquery
 * with OFFSET 0 is not flattened into a join), so a tree of millions is never read whole.
 */
export async function commitmentsByLeaf(
  db: Queryable,
  from: number,
  limit: number,
): Promise<{ leafIndex: number; entry: Buffer; kind: string; id: string; version: number }[]> {
  const r = await db.query<{
    leaf_index: number;
    entry: Uint8Array;
    record_kind: string;
    record_id: string;
    record_version: number;
  }>(
    `SELECT l.leaf_index, c.entry, c.record_kind, c.record_id, c.record_version
     FROM (SELECT leaf_index, seq FROM ledger_leaves WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2) l
     CROSS JOIN LATERAL (SELECT * FROM ledger_commitments c WHERE c.seq = l.seq OFFSET 0) c
     ORDER BY l.leaf_index`,
    [from, limit],
  );
  return r.rows.map((x) => ({
    leafIndex: Number(x.leaf_index),
    entry: buf(x.entry),
    kind: x.record_kind,
    id: x.record_id,
    version: x.record_version,
  }));
}

/** Integrated commitments of leaves [from, from + limit), with what an auditor reads of each. */
export async function entriesByLeaf(
  db: Queryable,
  from: number,
  limit: number,
): Promise<{ leafIndex: number; org: string; salt: Buffer; entry: Buffer; metadata: Buffer | null }[]> {
  const r = await db.query<{
    leaf_index: number;
    org_id: string;
    salt: Uint8Array;
    entry: Uint8Array;
    metadata: Uint8Array | null;
  }>(
    `SELECT l.leaf_index, c.org_id, c.salt, c.entry, c.metadata
     FROM (SELECT leaf_index, seq FROM ledger_leaves WHERE leaf_index >= $1 AND leaf_index < $2) l
     CROSS JOIN LATERAL (SELECT * FROM ledger_commitments c WHERE c.seq = l.seq OFFSET 0) c
     ORDER BY l.leaf_index`,
    [from, from + limit],
  );
  return r.rows.map((x) => ({
    leafIndex: Number(x.leaf_index),
    org: x.org_id,
    salt: buf(x.salt),
    entry: buf(x.entry),
    metadata: x.metadata === null ? null : buf(x.metadata),
  }));
}
