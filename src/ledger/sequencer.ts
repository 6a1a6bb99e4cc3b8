// The sequencer: takes committed-but-unsequenced entries in batches (group commit), gives them
// leaf indexes, writes the changed tiles and entry bundles and signs a new checkpoint, all in one
// transaction. A PostgreSQL advisory lock lets one process integrate at a time when several share a
// server; each batch re-reads the latest checkpoint, so a process that was not the integrator
// reloads the tree's right edge from the stored tiles (never rehashing the whole tree).
import type { Database, Queryable } from '../platform/db/types.ts';
import type { Logger } from '../platform/log.ts';
import { nextTurn } from '../platform/threads.ts';
import { signCheckpoint } from './checkpoint.ts';
import { EMPTY_ROOT } from './merkle.ts';
import type { NoteSigner } from './note.ts';
import * as repo from './repo.ts';
import { type TileData, TreeBuilder } from './tiles.ts';

export class LedgerIntegrityError extends Error {
  override name = 'LedgerIntegrityError';
}

export interface Published {
  size: number;
  root: Buffer;
  /** Sequence numbers (commitRecord's entrySeq) integrated by this checkpoint. */
  seqs: number[];
  /** When the transaction that published it committed (ms since the epoch). */
  at: number;
}

export interface SequencerOptions {
  intervalMs: number;
  batchSize: number;
  onPublish?: (p: Published) => void;
}

/** Rebuilds the right edge of the tree at the latest checkpoint and checks it against its root. */
export async function restoreBuilder(
  db: Queryable,
  latest: repo.CheckpointRow | undefined,
): Promise<TreeBuilder> {
  const size = latest?.treeSize ?? 0;
  const ids = TreeBuilder.edgeTiles(size);
  const datas = await repo.readTiles(db, ids);
  const tiles: TileData[] = [];
  for (const [i, t] of ids.entries()) {
    const data = datas[i];
    if (!data)
      throw new LedgerIntegrityError(
        `tile ${t.level}/${t.index} (width ${t.width}) is missing for tree size ${size}`,
      );
    tiles.push({ ...t, data });
  }
  const bundle = size % 256 ? await repo.readEntryBundle(db, Math.floor(size / 256), size % 256) : undefined;
  let builder: TreeBuilder;
  try {
    builder = TreeBuilder.restore(size, tiles, bundle);
  } catch (err) {
    throw new LedgerIntegrityError(`cannot restore the tree at size ${size}: ${(err as Error).message}`);
  }
  const root = builder.root();
  if (!root.equals(latest?.root ?? EMPTY_ROOT)) {
    throw new LedgerIntegrityError(
      `the stored tiles give root ${root.toString('base64')}, not the checkpoint's at size ${size}`,
    );
  }
  return builder;
}

/** Entries hashed into the tree per turn of the event loop (about a millisecond's work each). */
export const APPEND_SLICE = 256;

/**
 * Appends a batch to the tree `APPEND_SLICE` entries at a time, letting other requests through
 * between slices (a whole batch of 4,096 took 300–700 ms in one turn on a loaded machine). A tile
 * or bundle that several slices touched is kept once, at its widest: what one append of the whole
 * batch would have returned.
 */
export async function appendInSlices(
  builder: TreeBuilder,
  entries: readonly Uint8Array[],
): Promise<{ tiles: TileData[]; bundles: TileData[] }> {
  const tiles = new Map<string, TileData>();
  const bundles = new Map<number, TileData>();
  for (let i = 0; i < entries.length; i += APPEND_SLICE) {
    if (i > 0) await nextTurn();
    const out = builder.append(entries.slice(i, i + APPEND_SLICE));
    for (const t of out.tiles) tiles.set(`${t.level}/${t.index}`, t);
    for (const b of out.bundles) bundles.set(b.index, b);
  }
  return { tiles: [...tiles.values()], bundles: [...bundles.values()] };
}

export class Sequencer {
  private builder: TreeBuilder | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly signer: NoteSigner,
    private readonly log: Logger,
    private readonly opts: SequencerOptions,
  ) {}

  /** Publishes the checkpoint of the empty tree when the log has none yet. */
  async init(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await repo.waitForSequencerLock(tx);
      if (await repo.latestCheckpoint(tx)) return;
      const note = signCheckpoint(
        { origin: this.signer.name, size: 0, root: EMPTY_ROOT, extensions: [] },
        this.signer,
      );
      await repo.insertCheckpoint(tx, 0, EMPTY_ROOT, note);
    });
  }

  /**
   * Integrates up to one batch. Returns how many entries it integrated; 0 when there was
   * nothing to do or another process holds the sequencer lock.
   */
  async integrateOnce(): Promise<number> {
    let next: TreeBuilder | undefined;
    let published: Omit<Published, 'at'> | undefined;
    try {
      await this.db.transaction(async (tx) => {
        if (!(await repo.tryLockSequencer(tx))) return;
        const pending = await repo.pendingEntries(tx, this.opts.batchSize);
        if (pending.length === 0) return;
        const latest = await repo.latestCheckpoint(tx);
        const size = latest?.treeSize ?? 0;
        // Another process may have integrated since our last batch: then reload the edge.
        const builder =
          this.builder && this.builder.size === size ? this.builder : await restoreBuilder(tx, latest);
        this.builder = undefined; // until this transaction commits, the in-memory edge is not the truth
        const out = await appendInSlices(
          builder,
          pending.map((p) => p.entry),
        );
        const seqs = pending.map((p) => p.seq);
        // Other requests are answered between the steps of a batch.
        await nextTurn();
        await repo.assignLeafIndexes(tx, seqs, size);
        await nextTurn();
        await repo.putTiles(tx, out.tiles);
        await nextTurn();
        await repo.putEntryBundles(tx, out.bundles);
        await nextTurn();
        const root = builder.root();
        const note = signCheckpoint(
          { origin: this.signer.name, size: builder.size, root, extensions: [] },
          this.signer,
        );
        await repo.insertCheckpoint(tx, builder.size, root, note);
        next = builder;
        published = { size: builder.size, root, seqs };
      });
    } catch (err) {
      this.builder = undefined;
      throw err;
    }
    if (next) this.builder = next;
    if (!published) return 0;
    const p: Published = { ...(published as Omit<Published, 'at'>), at: Date.now() };
    this.opts.onPublish?.(p);
    return p.seqs.length;
  }

  /** Bytes the sequencer holds for the tree (its right edge), independent of the tree's size. */
  heldBytes(): number {
    return this.builder?.heldBytes() ?? 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Runs a batch now instead of at the next tick. */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let n = 0;
      try {
        n = await this.integrateOnce();
        failures = 0;
      } catch (err) {
        failures++;
        const level = err instanceof LedgerIntegrityError ? 'fatal' : 'error';
        this.log[level]({ err }, 'ledger sequencer: batch failed; nothing was published');
      }
      // A full batch: the next one at once, but after pending I/O (PGlite statements resolve as
      // microtasks, so back-to-back batches would otherwise hold the event loop for seconds).
      if (n >= this.opts.batchSize) {
        await nextTurn();
        continue;
      }
      const wait = failures ? Math.min(30_000, 500 * 2 ** failures) : this.opts.intervalMs;
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        this.timer = setTimeout(resolve, wait);
      });
      clearTimeout(this.timer);
      this.wakeUp = undefined;
    }
  }
}
