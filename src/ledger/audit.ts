// The auditor: what an outside party runs against a Bulwark ledger using only RFC 9162 and the
// C2SP formats. It fetches the signed checkpoint, verifies it with the log's key, checks that it
// is consistent with the last checkpoint it saw (recomputing the proof from the public tiles),
// and can recompute the whole tree from the entry bundles, naming the first tile or entry that
// does not match.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { openCheckpoint, type OpenedCheckpoint } from './checkpoint.ts';
import {
  consistencyProof,
  hashesEqual,
  HASH_BYTES,
  ProofError,
  treeRoot,
  verifyConsistency,
} from './merkle.ts';
import type { NoteVerifier } from './note.ts';
import {
  decodeEntryBundle,
  TILE_WIDTH,
  TileError,
  TileHashSource,
  type TileId,
  tilePath,
  tileWidth,
  TreeBuilder,
} from './tiles.ts';

export class AuditError extends Error {
  override name = 'AuditError';
}

/** Where the auditor reads the log: over HTTP, or straight from a database for a local check. */
export interface LogSource {
  checkpoint(): Promise<string>;
  /** The tile or bundle at a path such as `tile/0/x001/234.p/5`, or undefined when absent. */
  fetch(path: string): Promise<Buffer | undefined>;
}

export function httpLogSource(baseUrl: string, fetchImpl: typeof fetch = fetch): LogSource {
  const base = baseUrl.replace(/\/+$/, '');
  const get = async (path: string): Promise<Buffer | undefined> => {
    const res = await fetchImpl(`${base}/ledger/${path}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new AuditError(`GET ${base}/ledger/${path} answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  return {
    async checkpoint() {
      const b = await get('checkpoint');
      if (!b) throw new AuditError(`${base}/ledger/checkpoint does not exist`);
      return b.toString('utf8');
    },
    fetch: get,
  };
}

export interface AuditState {
  origin: string;
  size: number;
  root: string;
  checkpoint: string;
}

export function readState(file: string): AuditState | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const s = JSON.parse(text) as AuditState;
  if (typeof s.size !== 'number' || typeof s.root !== 'string' || typeof s.origin !== 'string') {
    throw new AuditError(`${file} is not an audit state file`);
  }
  return s;
}

export function writeState(file: string, s: AuditState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

function tileSource(src: LogSource) {
  return {
    async readTiles(ids: readonly TileId[]) {
      return Promise.all(ids.map((t) => src.fetch(tilePath(t))));
    },
  };
}

export interface AuditReport {
  checkpoint: OpenedCheckpoint;
  /** The size of the previous checkpoint it was proven consistent with, if any. */
  consistentWith?: number;
  /** Entries rehashed when the whole tree was recomputed. */
  recomputed?: number;
  lines: string[];
}

/**
 * Audits the log. Throws AuditError naming the failure; returns what was checked otherwise.
 * `previous` is the last checkpoint seen (from the state file).
 */
export async function auditLog(
  src: LogSource,
  logKey: NoteVerifier,
  opts: {
    previous?: AuditState;
    full?: boolean;
    witnesses?: NoteVerifier[];
    quorum?: number;
    concurrency?: number;
  } = {},
): Promise<AuditReport> {
  const lines: string[] = [];
  let opened: OpenedCheckpoint;
  try {
    opened = openCheckpoint(await src.checkpoint(), logKey, opts.witnesses ?? []);
  } catch (err) {
    throw new AuditError(`checkpoint does not verify: ${(err as Error).message}`);
  }
  const cp = opened.checkpoint;
  lines.push(`checkpoint signed by ${logKey.name}: size ${cp.size}, root ${cp.root.toString('base64')}`);
  if ((opts.quorum ?? 0) > opened.cosignatures.length) {
    throw new AuditError(
      `checkpoint has ${opened.cosignatures.length} witness cosignatures, ${opts.quorum} required`,
    );
  }
  if (opened.cosignatures.length)
    lines.push(`cosigned by ${opened.cosignatures.map((c) => c.name).join(', ')}`);

  const prev = opts.previous;
  if (prev && prev.origin !== cp.origin)
    throw new AuditError(`state is for log ${prev.origin}, not ${cp.origin}`);
  if (prev && cp.size < prev.size) {
    throw new AuditError(
      `the log shrank from size ${prev.size} to ${cp.size}: history was rewritten or rolled back`,
    );
  }

  const hashes = new TileHashSource(tileSource(src), cp.size);
  // The tiles must hash to the signed root, or every proof drawn from them is worthless.
  try {
    const root = await treeRoot(cp.size, hashes);
    if (!hashesEqual(root, cp.root)) {
      throw new AuditError(
        `the tiles give root ${root.toString('base64')} for size ${cp.size}, not the signed root: a tile was changed`,
      );
    }
  } catch (err) {
    if (err instanceof TileError)
      throw new AuditError(`cannot read the tiles of size ${cp.size}: ${err.message}`);
    throw err;
  }
  lines.push('the tiles hash to the signed root');

  let consistentWith: number | undefined;
  if (prev) {
    const prevRoot = Buffer.from(prev.root, 'base64');
    try {
      // Every tree extends the empty tree; otherwise the RFC 9162 proof, drawn from the tiles, must hold.
      if (prev.size > 0)
        verifyConsistency(
          prev.size,
          cp.size,
          prevRoot,
          cp.root,
          await consistencyProof(prev.size, cp.size, hashes),
        );
    } catch (err) {
      if (err instanceof ProofError || err instanceof TileError) {
        throw new AuditError(
          `checkpoint of size ${cp.size} is NOT consistent with the one of size ${prev.size} seen before: ${err.message}`,
        );
      }
      throw err;
    }
    consistentWith = prev.size;
    lines.push(`consistent with the previous checkpoint of size ${prev.size}`);
  }

  let recomputed: number | undefined;
  if (opts.full) {
    recomputed = await recomputeTree(src, cp.size, cp.root, opts.concurrency ?? 8);
    lines.push(`recomputed the whole tree from ${recomputed} entries: every tile and the root match`);
  }
  return { checkpoint: opened, consistentWith, recomputed, lines };
}

/**
 * Rehashes every entry bundle and rebuilds every tile, comparing each with the published one,
 * then the root with the signed root. Holds only the right edge of the tree in memory.
 */
export async function recomputeTree(
  src: LogSource,
  size: number,
  root: Buffer,
  concurrency = 8,
): Promise<number> {
  const builder = new TreeBuilder();
  const bundles = Math.ceil(size / TILE_WIDTH);
  const fetchBundle = async (n: number) => {
    const width = Math.min(TILE_WIDTH, size - n * TILE_WIDTH);
    const path = tilePath({ level: 'entries', index: n, width });
    const data = await src.fetch(path);
    if (!data) throw new AuditError(`${path} is missing`);
    let entries: Buffer[];
    try {
      entries = decodeEntryBundle(data);
    } catch (err) {
      throw new AuditError(`${path} is malformed: ${(err as Error).message}`);
    }
    if (entries.length !== width)
      throw new AuditError(`${path} holds ${entries.length} entries, not ${width}`);
    return { path, entries };
  };
  const published = new Map<string, Promise<Buffer | undefined>>();
  const fetchTile = (t: TileId) => {
    const key = tilePath(t);
    let p = published.get(key);
    if (!p) {
      p = src.fetch(key);
      published.set(key, p);
    }
    return p;
  };
  // Fetch bundles ahead in a window, integrate them in order.
  const window: Promise<{ path: string; entries: Buffer[] }>[] = [];
  let next = 0;
  const fill = () => {
    while (window.length < concurrency && next < bundles) window.push(fetchBundle(next++));
  };
  fill();
  for (let n = 0; n < bundles; n++) {
    const { path, entries } = await window.shift()!;
    fill();
    const out = builder.append(entries);
    for (const t of out.tiles) {
      // Only tiles that exist in the tree of `size` (a partial tile at its final width).
      const width = tileWidth(size, t.level as number, t.index);
      if (t.width !== width) continue;
      const got = await fetchTile(t);
      const name = tilePath(t);
      if (!got) throw new AuditError(`${name} is missing`);
      if (!got.equals(t.data)) {
        for (let i = 0; i < t.width; i++) {
          const a = got.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
          const b = t.data.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
          if (!a.equals(b)) {
            const what =
              t.level === 0
                ? `entry ${t.index * TILE_WIDTH + i} in ${path} does not hash to hash ${i} of ${name}: the entry or the tile was changed`
                : `hash ${i} of ${name} is not the hash of the tile below it: a tile was changed`;
            throw new AuditError(what);
          }
        }
        throw new AuditError(`${name} differs from the recomputed tile`);
      }
      published.delete(name);
    }
  }
  const r = builder.root();
  if (!hashesEqual(r, root))
    throw new AuditError(`the entries give root ${r.toString('base64')}, not the signed root`);
  return builder.size;
}
