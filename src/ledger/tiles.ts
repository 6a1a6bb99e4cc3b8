// C2SP tlog-tiles: the tree stored and served as tiles of height 8 (256 hashes), plus entry
// bundles. Pure: paths, tile arithmetic, the hash source that reads proofs out of tiles, and
// the TreeBuilder that appends leaves while holding only the right edge of the tree (one
// partial tile per level), so the sequencer's memory does not grow with the tree.
import { createHash } from 'node:crypto';
import {
  EMPTY_ROOT,
  HASH_BYTES,
  type Hash,
  type HashSource,
  leafHash,
  type NodeId,
  nodeHash,
} from './merkle.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_ENTRY_BYTES = 65_535;

export class TileError extends Error {
  override name = 'TileError';
}

/** A tile: `level` >= 0 for hash tiles, 'entries' for an entry bundle; width 256 = full. */
export interface TileId {
  level: number | 'entries';
  index: number;
  width: number;
}

/** A hash tile (or entry bundle) with its bytes. */
export interface TileData extends TileId {
  data: Buffer;
  /** For a full hash tile: its inner hashes at sub-levels 4 to 7 (see tileInnerNodes). */
  nodes?: Buffer;
}

/** Sub-levels of a tile whose inner hashes are kept for full tiles: 16 + 8 + 4 + 2 = 30 hashes. */
export const INNER_FROM = 4;
export const INNER_HASHES = 30;

function innerOffset(sub: number): number {
  let off = 0;
  for (let r = INNER_FROM; r < sub; r++) off += TILE_WIDTH / 2 ** r;
  return off;
}

// --- paths -------------------------------------------------------------------------------

/** `<N>` of a tile path: zero-padded 3-digit groups, all but the last prefixed with x. */
export function formatTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new TileError(`tile index ${n} is not a non-negative integer`);
  let s = String(n % 1000).padStart(3, '0');
  let rest = Math.floor(n / 1000);
  while (rest > 0) {
    s = `x${String(rest % 1000).padStart(3, '0')}/${s}`;
    rest = Math.floor(rest / 1000);
  }
  return s;
}

/** `tile/<L>/<N>[.p/<W>]` or `tile/entries/<N>[.p/<W>]`. */
export function tilePath(t: TileId): string {
  checkTile(t);
  const partial = t.width === TILE_WIDTH ? '' : `.p/${t.width}`;
  return `tile/${t.level}/${formatTileIndex(t.index)}${partial}`;
}

function checkTile(t: TileId): void {
  if (t.level !== 'entries' && (!Number.isInteger(t.level) || t.level < 0 || t.level > 63)) {
    throw new TileError(`tile level ${t.level} is not between 0 and 63`);
  }
  if (!Number.isSafeInteger(t.index) || t.index < 0)
    throw new TileError(`tile index ${t.index} is not valid`);
  if (!Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH) {
    throw new TileError(`tile width ${t.width} is not between 1 and ${TILE_WIDTH}`);
  }
}

/**
 * Parses a tile path (with or without the leading `tile/`). Only the canonical spelling is
 * accepted, so every tile has exactly one path.
 */
export function parseTilePath(path: string): TileId {
  const p = path.startsWith('tile/') ? path.slice(5) : path;
  const m = /^(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(p);
  if (!m) throw new TileError(`${JSON.stringify(path)} is not a tile path`);
  const level: number | 'entries' = m[1] === 'entries' ? 'entries' : Number(m[1]);
  const index = Number(m[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  if (m[3] !== undefined && width >= TILE_WIDTH)
    throw new TileError(`partial tile width ${width} must be below ${TILE_WIDTH}`);
  const t: TileId = { level, index, width };
  if (level !== 'entries' && level > 63) throw new TileError(`tile level ${level} is above 63`);
  if (!Number.isSafeInteger(index)) throw new TileError(`tile index in ${JSON.stringify(path)} is too large`);
  if (`tile/${p}` !== tilePath(t))
    throw new TileError(`${JSON.stringify(path)} is not the canonical tile path`);
  return t;
}

// --- tile arithmetic ---------------------------------------------------------------------

/** Width of tile `index` at `level` in a tree of `size` leaves; 0 when the tile does not exist. */
export function tileWidth(size: number, level: number, index: number): number {
  const units = Math.floor(size / TILE_WIDTH ** level); // hashes at this tile level
  const full = Math.floor(units / TILE_WIDTH);
  if (index < full) return TILE_WIDTH;
  if (index === full) return units % TILE_WIDTH;
  return 0;
}

/** Every tile of a tree of `size` leaves whose contents differ from the tree of `oldSize`. */
export function changedTiles(oldSize: number, size: number): TileId[] {
  const out: TileId[] = [];
  for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
    const oldUnits = Math.floor(oldSize / TILE_WIDTH ** level);
    const units = Math.floor(size / TILE_WIDTH ** level);
    if (units === oldUnits) continue;
    for (let n = Math.floor(oldUnits / TILE_WIDTH); n < Math.floor(units / TILE_WIDTH); n++) {
      out.push({ level, index: n, width: TILE_WIDTH });
    }
    if (units % TILE_WIDTH)
      out.push({ level, index: Math.floor(units / TILE_WIDTH), width: units % TILE_WIDTH });
  }
  return out;
}

/** Merkle Tree Hash of 2^k consecutive hashes (a complete subtree inside a tile). */
export function subtreeHash(hashes: Buffer, start: number, count: number): Hash {
  if (count === 1) return hashes.subarray(start * HASH_BYTES, (start + 1) * HASH_BYTES);
  const half = count / 2;
  return nodeHash(subtreeHash(hashes, start, half), subtreeHash(hashes, start + half, half));
}

/** The Merkle Tree Hash of a full tile: the hash it contributes to the tile level above. */
export function tileRoot(data: Buffer): Hash {
  return tileInnerNodes(data).root;
}

/**
 * Hashes a full tile bottom-up (255 hashes): its root, and its inner hashes at sub-levels 4 to 7
 * concatenated level by level, which proofs then read instead of recomputing.
 */
export function tileInnerNodes(data: Buffer): { root: Hash; nodes: Buffer } {
  if (data.length !== TILE_WIDTH * HASH_BYTES)
    throw new TileError(`a full tile is ${TILE_WIDTH * HASH_BYTES} bytes`);
  const nodes = Buffer.alloc(INNER_HASHES * HASH_BYTES);
  let row = data;
  for (let sub = 1; sub <= TILE_HEIGHT; sub++) {
    const n = TILE_WIDTH / 2 ** sub;
    const next = Buffer.allocUnsafe(n * HASH_BYTES);
    for (let i = 0; i < n; i++) {
      const l = row.subarray(2 * i * HASH_BYTES, (2 * i + 1) * HASH_BYTES);
      const r = row.subarray((2 * i + 1) * HASH_BYTES, (2 * i + 2) * HASH_BYTES);
      next.set(nodeHash(l, r), i * HASH_BYTES);
    }
    if (sub >= INNER_FROM && sub < TILE_HEIGHT) next.copy(nodes, innerOffset(sub) * HASH_BYTES);
    row = next;
  }
  return { root: row, nodes };
}

/** Hash of the complete subtree of `count` hashes at `start` in a tile, from stored inner hashes when possible. */
export function tileSubtreeHash(data: Buffer, nodes: Buffer | undefined, start: number, count: number): Hash {
  if (nodes && count >= 2 ** INNER_FROM && count < TILE_WIDTH) {
    const at = (innerOffset(Math.log2(count)) + start / count) * HASH_BYTES;
    return nodes.subarray(at, at + HASH_BYTES);
  }
  return subtreeHash(data, start, count);
}

/** Where node (level, index) lives: which tile, and which of its hashes cover it. */
export function locateNode(node: NodeId): {
  tileLevel: number;
  tileIndex: number;
  start: number;
  count: number;
} {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const sub = node.level - tileLevel * TILE_HEIGHT;
  const count = 2 ** sub;
  const first = node.index * count; // first hash of the tile level under the node
  return { tileLevel, tileIndex: Math.floor(first / TILE_WIDTH), start: first % TILE_WIDTH, count };
}

// --- Go sumdb stored-hash indexes (the reference scheme for hashes kept in tiles) --------

/** Index of node (level, n) in the sequence of all stored hashes, in the order they complete. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

function trailingZeros(n: number): number {
  let z = 0;
  while (n > 0 && n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

/** Inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  for (;;) {
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return { level, n: Math.floor(n / 2 ** level) };
}

/** How many hashes are stored for a tree of n leaves. */
export function storedHashCount(n: number): number {
  if (n === 0) return 0;
  let count = storedHashIndex(0, n - 1) + 1;
  for (let i = n - 1; i % 2 === 1; i = (i - 1) / 2) count++;
  return count;
}

/** The narrowest hash tile holding stored hash `index` (Go's TileForIndex with height 8). */
export function tileForStoredHash(index: number): TileId {
  const { level, n } = splitStoredHashIndex(index);
  const loc = locateNode({ level, index: n });
  return { level: loc.tileLevel, index: loc.tileIndex, width: loc.start + loc.count };
}

/** Reads stored hash `index` out of the data of `tile` (that tile or a wider one). */
export function hashFromTile(tile: TileId, data: Buffer, index: number): Hash {
  const { level, n } = splitStoredHashIndex(index);
  const loc = locateNode({ level, index: n });
  if (tile.level !== loc.tileLevel || tile.index !== loc.tileIndex || tile.width < loc.start + loc.count) {
    throw new TileError(`stored hash ${index} is not in ${tilePath(tile)}`);
  }
  if (data.length < tile.width * HASH_BYTES)
    throw new TileError(`tile data is shorter than ${tilePath(tile)}`);
  return Buffer.from(subtreeHash(data, loc.start, loc.count));
}

// --- reading proofs out of tiles ---------------------------------------------------------

/** Storage of hash tiles: returns each requested tile at the requested width (a prefix of the stored one). */
export interface TileReader {
  readTiles(tiles: readonly TileId[]): Promise<(Buffer | undefined)[]>;
  /** Like readTiles, with the stored inner hashes of full tiles; proofs use it when present. */
  readTilesWithNodes?(tiles: readonly TileId[]): Promise<({ data: Buffer; nodes?: Buffer } | undefined)[]>;
}

/**
 * Subtree hashes already computed inside tiles, keyed by tile and position. A tile only grows
 * (a partial tile is a prefix of every later version), so a hash of hashes [start, start+count)
 * never changes once those hashes exist: safe to keep across tree sizes. It spares proofs the
 * rehashing of the partial tiles at the right edge, which nearly every proof touches.
 */
export class SubtreeCache {
  private readonly map = new Map<string, Hash>();
  constructor(private readonly max = 50_000) {}

  get(key: string): Hash | undefined {
    return this.map.get(key);
  }

  set(key: string, h: Hash): void {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, h);
  }
}

/**
 * A HashSource over the hash tiles of a tree of `size` leaves. Each proof reads at most a few
 * tiles per tile level (O(log n) in all), in one call to the reader; full tiles bring their
 * stored inner hashes and computed ones are cached, so little is hashed and nothing is rebuilt
 * from leaves.
 */
export class TileHashSource implements HashSource {
  constructor(
    private readonly reader: TileReader,
    private readonly size: number,
    private readonly cache?: SubtreeCache,
  ) {}

  async readNodes(nodes: readonly NodeId[]): Promise<Hash[]> {
    const located = nodes.map(locateNode);
    const out: (Hash | undefined)[] = new Array(located.length);
    const wanted = new Map<string, TileId>();
    for (const [i, loc] of located.entries()) {
      const key = `${loc.tileLevel}/${loc.tileIndex}`;
      const need = loc.start + loc.count;
      const width = tileWidth(this.size, loc.tileLevel, loc.tileIndex);
      if (width < need)
        throw new TileError(
          `node needs ${need} hashes of tile ${key}, which has ${width} at size ${this.size}`,
        );
      if (loc.count > 1) out[i] = this.cache?.get(`${key}/${loc.start}/${loc.count}`);
      if (!out[i] && !wanted.has(key)) wanted.set(key, { level: loc.tileLevel, index: loc.tileIndex, width });
    }
    const ids = [...wanted.values()];
    if (ids.length === 0) return out as Hash[];
    const got = this.reader.readTilesWithNodes
      ? await this.reader.readTilesWithNodes(ids)
      : (await this.reader.readTiles(ids)).map((data) => data && { data, nodes: undefined });
    const byKey = new Map<string, { data: Buffer; nodes?: Buffer }>();
    for (const [i, t] of ids.entries()) {
      const d = got[i];
      if (!d || d.data.length < t.width * HASH_BYTES)
        throw new TileError(`tile ${tilePath(t)} is missing or short`);
      byKey.set(`${t.level}/${t.index}`, d);
    }
    return located.map((loc, i) => {
      if (out[i]) return out[i];
      const key = `${loc.tileLevel}/${loc.tileIndex}`;
      const t = byKey.get(key)!;
      const h = tileSubtreeHash(t.data, t.nodes, loc.start, loc.count);
      if (loc.count > 1) this.cache?.set(`${key}/${loc.start}/${loc.count}`, Buffer.from(h));
      return h;
    });
  }
}

/** Keeps tiles in memory; for tests, tools and the auditor's recomputation. */
export class MemoryTileStore implements TileReader {
  readonly tiles = new Map<string, Buffer>();
  readonly nodes = new Map<string, Buffer>();

  put(t: TileData): void {
    const key = `${t.level}/${t.index}`;
    const old = this.tiles.get(key);
    if (!old || old.length <= t.data.length) this.tiles.set(key, t.data);
    if (t.nodes) this.nodes.set(key, t.nodes);
  }

  async readTiles(ids: readonly TileId[]): Promise<(Buffer | undefined)[]> {
    return ids.map((t) => this.tiles.get(`${t.level}/${t.index}`)?.subarray(0, t.width * HASH_BYTES));
  }

  async readTilesWithNodes(
    ids: readonly TileId[],
  ): Promise<({ data: Buffer; nodes?: Buffer } | undefined)[]> {
    return ids.map((t) => {
      const key = `${t.level}/${t.index}`;
      const data = this.tiles.get(key);
      return (
        data && {
          data: data.subarray(0, t.width * HASH_BYTES),
          nodes: t.width === TILE_WIDTH ? this.nodes.get(key) : undefined,
        }
      );
    });
  }
}

// --- entry bundles -----------------------------------------------------------------------

export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const e of entries) {
    if (e.length > MAX_ENTRY_BYTES)
      throw new TileError(`entry of ${e.length} bytes is over ${MAX_ENTRY_BYTES}`);
    total += 2 + e.length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/** Splits an entry bundle into its entries; throws TileError when it is malformed. */
export function decodeEntryBundle(data: Uint8Array): Buffer[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: Buffer[] = [];
  let at = 0;
  while (at < buf.length) {
    if (at + 2 > buf.length) throw new TileError(`entry bundle ends inside a length prefix at byte ${at}`);
    const len = buf.readUInt16BE(at);
    if (at + 2 + len > buf.length) throw new TileError(`entry ${out.length} of the bundle runs past its end`);
    out.push(buf.subarray(at + 2, at + 2 + len));
    at += 2 + len;
    if (out.length > TILE_WIDTH) throw new TileError(`entry bundle has more than ${TILE_WIDTH} entries`);
  }
  return out;
}

/** The first `width` entries of a bundle, as the bundle of that width. */
export function truncateEntryBundle(data: Buffer, width: number): Buffer {
  let at = 0;
  for (let i = 0; i < width; i++) {
    if (at + 2 > data.length) throw new TileError(`entry bundle has fewer than ${width} entries`);
    at += 2 + data.readUInt16BE(at);
  }
  if (at > data.length) throw new TileError(`entry bundle has fewer than ${width} entries`);
  return data.subarray(0, at);
}

// --- appending -----------------------------------------------------------------------------

/**
 * The right edge of a tree: at each tile level, the hashes of the tile still being filled.
 * Appending leaves yields every tile (and entry bundle) that changed, full or partial; the
 * root is computed from the edge alone. Memory: at most 256 hashes per level plus the entries
 * of the current partial bundle, whatever the size of the tree.
 */
export class TreeBuilder {
  // edge[l] holds the partial tile at level l in a fixed 8 KiB buffer; widths[l] hashes are used.
  private readonly edge: Buffer[] = [];
  private readonly widths: number[] = [];
  private bundle: Buffer[] = []; // entries of the partial entry bundle
  private _size = 0;

  get size(): number {
    return this._size;
  }

  private level(l: number): Buffer {
    while (this.edge.length <= l) {
      this.edge.push(Buffer.alloc(TILE_WIDTH * HASH_BYTES));
      this.widths.push(0);
    }
    return this.edge[l]!;
  }

  /** The tiles a restore needs for a tree of `size` leaves: the partial tile of each level. */
  static edgeTiles(size: number): TileId[] {
    const out: TileId[] = [];
    for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
      const width = Math.floor(size / TILE_WIDTH ** level) % TILE_WIDTH;
      if (width > 0) out.push({ level, index: Math.floor(size / TILE_WIDTH ** (level + 1)), width });
    }
    return out;
  }

  /**
   * Restores the edge of a tree of `size` leaves from its partial tiles (edgeTiles(size), at
   * that width or wider) and its partial entry bundle; nothing else of the tree is read.
   */
  static restore(size: number, partialTiles: readonly TileData[], partialBundle?: Buffer): TreeBuilder {
    const b = new TreeBuilder();
    b._size = size;
    for (const t of TreeBuilder.edgeTiles(size)) {
      const level = t.level as number;
      const found = partialTiles.find((p) => p.level === level && p.index === t.index);
      if (!found || found.data.length < t.width * HASH_BYTES)
        throw new TileError(`restoring a tree of size ${size} needs ${tilePath(t)}`);
      b.level(level).set(found.data.subarray(0, t.width * HASH_BYTES));
      b.widths[level] = t.width;
    }
    const bundleWidth = size % TILE_WIDTH;
    if (bundleWidth > 0) {
      if (!partialBundle)
        throw new TileError(`restoring a tree of size ${size} needs its partial entry bundle`);
      b.bundle = decodeEntryBundle(truncateEntryBundle(partialBundle, bundleWidth)).map((e) =>
        Buffer.from(e),
      );
      const leaves = Buffer.concat(b.bundle.map(leafHash));
      if (!leaves.equals(b.level(0).subarray(0, bundleWidth * HASH_BYTES))) {
        throw new TileError('the partial entry bundle does not match the partial level-0 tile');
      }
    }
    return b;
  }

  /**
   * Appends entries; returns the changed hash tiles and entry bundles (each at its final width
   * in this batch) and the leaf hashes.
   */
  append(entries: readonly Uint8Array[]): { tiles: TileData[]; bundles: TileData[]; leafHashes: Hash[] } {
    const tiles: TileData[] = [];
    const bundles: TileData[] = [];
    const leafHashes: Hash[] = [];
    let top = -1; // highest level whose partial tile changed
    for (const entry of entries) {
      if (entry.length > MAX_ENTRY_BYTES)
        throw new TileError(`entry of ${entry.length} bytes is over ${MAX_ENTRY_BYTES}`);
      const h = leafHash(entry);
      leafHashes.push(h);
      this.bundle.push(Buffer.from(entry));
      this._size++;
      if (this.bundle.length === TILE_WIDTH) {
        const index = this._size / TILE_WIDTH - 1;
        bundles.push({ level: 'entries', index, width: TILE_WIDTH, data: encodeEntryBundle(this.bundle) });
        this.bundle = [];
      }
      // Add the hash at level 0; each tile it fills is final and its hash moves one level up.
      let level = 0;
      let hash: Uint8Array = h;
      for (;;) {
        const buf = this.level(level);
        buf.set(hash, this.widths[level]! * HASH_BYTES);
        this.widths[level]!++;
        if (level > top) top = level;
        if (this.widths[level] !== TILE_WIDTH) break;
        const index = Math.floor(this._size / TILE_WIDTH ** (level + 1)) - 1;
        const data = Buffer.from(buf);
        const inner = tileInnerNodes(data);
        tiles.push({ level, index, width: TILE_WIDTH, data, nodes: inner.nodes });
        this.widths[level] = 0;
        hash = inner.root;
        level++;
      }
    }
    for (let level = 0; level <= top; level++) {
      const width = this.widths[level]!;
      if (width === 0) continue;
      const index = Math.floor(this._size / TILE_WIDTH ** (level + 1));
      tiles.push({
        level,
        index,
        width,
        data: Buffer.from(this.edge[level]!.subarray(0, width * HASH_BYTES)),
      });
    }
    if (this.bundle.length > 0) {
      const index = Math.floor(this._size / TILE_WIDTH);
      bundles.push({
        level: 'entries',
        index,
        width: this.bundle.length,
        data: encodeEntryBundle(this.bundle),
      });
    }
    return { tiles, bundles, leafHashes };
  }

  /** The root hash of the tree so far, from the edge alone. */
  root(): Hash {
    if (this._size === 0) return EMPTY_ROOT;
    // Complete subtrees from the largest (highest tile level, leftmost) to the smallest.
    const parts: Hash[] = [];
    for (let level = this.edge.length - 1; level >= 0; level--) {
      let width = this.widths[level]!;
      let start = 0;
      for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
        const count = 2 ** bit;
        if (width >= count) {
          parts.push(subtreeHash(this.edge[level]!, start, count));
          start += count;
          width -= count;
        }
      }
    }
    let r = parts[parts.length - 1]!;
    for (let i = parts.length - 2; i >= 0; i--) r = nodeHash(parts[i]!, r);
    return Buffer.from(r);
  }

  /** Bytes held in memory by the edge and the partial bundle. */
  heldBytes(): number {
    return this.edge.length * TILE_WIDTH * HASH_BYTES + this.bundle.reduce((n, e) => n + e.length + 2, 0);
  }
}

/** SHA-256 of data, base64; for fixtures and audit messages. */
export function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}
