// Hash tiles kept in memory for proofs. Every inclusion or consistency proof at a tree size reads
// one tile per tile level, and all the proofs of a size share the tiles above level 0 (at 10 M
// entries: 153 level-1 tiles and one level-2 tile, 1.2 MiB in all). Those are kept for good; level-0
// tiles (320 MiB at 10 M) only in a bounded least-recently-used set. Tiles only grow — a stored
// tile of width W is a prefix of every wider version — so a cached tile answers any read up to its
// width, and a read asking for more goes to the database and replaces it. A proof then reads at
// most its level-0 tile from the database, in one query.
import type { TileId, TileReader } from './tiles.ts';
import { HASH_BYTES } from './merkle.ts';

interface Cached {
  data: Buffer;
  nodes?: Buffer;
  /** Hashes held (data.length / 32). */
  width: number;
}

export class CachingTileReader implements TileReader {
  private readonly upper = new Map<string, Cached>();
  private readonly level0 = new Map<string, Cached>();

  constructor(
    private readonly source: Required<TileReader>,
    /** Level-0 tiles kept (8 KiB each, plus 960 bytes of inner hashes for full ones). */
    private readonly maxLevel0 = 4096,
  ) {}

  private find(t: TileId): Cached | undefined {
    const key = `${t.level}/${t.index}`;
    if (Number(t.level) > 0) return this.upper.get(key);
    const hit = this.level0.get(key);
    if (hit) {
      // Most recently used last.
      this.level0.delete(key);
      this.level0.set(key, hit);
    }
    return hit;
  }

  private keep(t: TileId, c: Cached): void {
    const key = `${t.level}/${t.index}`;
    if (Number(t.level) > 0) {
      this.upper.set(key, c);
      return;
    }
    this.level0.delete(key);
    if (this.level0.size >= this.maxLevel0) this.level0.delete(this.level0.keys().next().value!);
    this.level0.set(key, c);
  }

  async readTilesWithNodes(
    ids: readonly TileId[],
  ): Promise<({ data: Buffer; nodes?: Buffer } | undefined)[]> {
    const out: ({ data: Buffer; nodes?: Buffer } | undefined)[] = new Array(ids.length);
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = ids[i]!;
      const c = this.find(t);
      if (c && c.width >= t.width) {
        out[i] = {
          data: c.width === t.width ? c.data : c.data.subarray(0, t.width * HASH_BYTES),
          nodes: t.width === 256 ? c.nodes : undefined,
        };
      } else missing.push(i);
    }
    if (missing.length > 0) {
      const got = await this.source.readTilesWithNodes(missing.map((i) => ids[i]!));
      missing.forEach((i, k) => {
        const g = got[k];
        out[i] = g;
        const t = ids[i]!;
        if (g)
          this.keep(t, { data: Buffer.from(g.data), nodes: g.nodes && Buffer.from(g.nodes), width: t.width });
      });
    }
    return out;
  }

  async readTiles(ids: readonly TileId[]): Promise<(Buffer | undefined)[]> {
    return (await this.readTilesWithNodes(ids)).map((t) => t?.data);
  }

  /** Tiles held (for tests and the benchmark). */
  get size(): { upper: number; level0: number } {
    return { upper: this.upper.size, level0: this.level0.size };
  }
}
