// The ledger service: the signing key, the sequencer worker, the static tlog-tiles read API,
// proofs, receipts for a record's owner, and cosignature intake from configured witnesses.
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { Logger } from '../platform/log.ts';
import type { Worker } from '../platform/worker.ts';
import { type Actor, assertCan, can, type OrgRef } from '../access/index.ts';
import { CheckpointError } from './checkpoint.ts';
import { CosignatureError, verifyCosignatures, withCosignatures } from './cosignature.ts';
import { metadataOf, parseEntry } from './entry.ts';
import { LedgerAppender } from './appender.ts';
import type { LedgerConfig } from './config.ts';
import type { CommitmentInput } from './entry.ts';
import { type LogKey, loadOrCreateLogKey } from './keys.ts';
import { consistencyProof, inclusionProof, treeRoot } from './merkle.ts';
import { NoteError, noteVerifier, parseNote, SIG_ED25519 } from './note.ts';
import { formatReceipt } from './receipt.ts';
import * as repo from './repo.ts';
import type { LedgerEntries, LedgerStatus, Receipt } from './schema.ts';
import { type Published, Sequencer } from './sequencer.ts';
import { CachingTileReader } from './tile-cache.ts';
import { parseTilePath, SubtreeCache, TileError, TileHashSource, type TileReader } from './tiles.ts';

export interface LedgerDeps {
  db: Database;
  log: Logger;
  /** Turns an organization id into what the shared access function needs. */
  orgs?: { orgRef(id: string): Promise<OrgRef | undefined> };
}

/** A record version's receipt: the type of its schema (the entry's metadata, the salt, the tlog-proof text). */
export type ReceiptView = Receipt;

/** The log's status as `GET /ledger/status` presents it (the type of its schema). */
export type { LedgerStatus } from './schema.ts';

export class LedgerService {
  private keyPromise: Promise<LogKey> | undefined;
  private sequencer: Sequencer | undefined;
  private readonly publishListeners = new Set<(p: Published) => void>();
  private readonly subtrees = new SubtreeCache();
  private appender: LedgerAppender | undefined;

  constructor(
    private readonly deps: LedgerDeps,
    readonly settings: LedgerConfig,
  ) {}

  private get db(): Database {
    return this.deps.db;
  }

  /** The log key (generated on first use) and the checkpoint of the empty tree when the log is new. */
  key(): Promise<LogKey> {
    this.keyPromise ??= (async () => {
      const { secret, kekFile } = this.settings;
      const k = await loadOrCreateLogKey(this.db, this.settings.origin, { secret, kekFile });
      if (k.changed === 'encrypted')
        this.deps.log.warn(
          { kekFile: k.wrappedBy === 'kek-file' ? kekFile : undefined },
          'ledger signing key was stored unencrypted: encrypted it now (older copies of the database files and backups still hold it)',
        );
      if (k.changed === 'rewrapped')
        this.deps.log.info('ledger signing key re-encrypted under BULWARK_LEDGER_SECRET');
      if (k.wrappedBy === 'kek-file')
        this.deps.log.warn(
          { kekFile },
          'ledger signing key is encrypted under the key-encryption key file beside the data (it travels with backups of the data directory); set BULWARK_LEDGER_SECRET in production, and on PostgreSQL with several servers',
        );
      if (k.origin !== this.settings.origin) {
        this.deps.log.warn(
          { stored: k.origin, configured: this.settings.origin },
          'ledger origin differs from the configured one; keeping the stored log identity',
        );
      }
      await new Sequencer(this.db, k.signer, this.deps.log, this.settings).init();
      return k;
    })().catch((err: unknown) => {
      this.keyPromise = undefined;
      throw err;
    });
    return this.keyPromise;
  }

  /**
   * Appends a commitment on its own, through group commit: many concurrent appends share one
   * durable transaction. For records whose own row is written elsewhere (or not at all); a record
   * written in a transaction should use commitRecord in that transaction instead.
   */
  append(input: CommitmentInput): Promise<{ entrySeq: number }> {
    this.appender ??= new LedgerAppender(this.db);
    return this.appender.append(input);
  }

  /** Called for each published checkpoint (benchmarks and tests). */
  onPublish(fn: (p: Published) => void): () => void {
    this.publishListeners.add(fn);
    return () => this.publishListeners.delete(fn);
  }

  /** The background worker that runs the sequencer. */
  worker(): Worker {
    return {
      name: 'ledger-sequencer',
      start: async () => {
        const k = await this.key();
        this.sequencer = new Sequencer(this.db, k.signer, this.deps.log, {
          ...this.settings,
          onPublish: (p) => {
            for (const fn of this.publishListeners) fn(p);
          },
        });
        this.sequencer.start();
      },
      stop: async () => {
        await this.sequencer?.stop();
      },
    };
  }

  /** Integrates what is pending now (tests, CLI); the worker does this continuously. */
  async integrateNow(): Promise<number> {
    const k = await this.key();
    const s = this.sequencer ?? new Sequencer(this.db, k.signer, this.deps.log, this.settings);
    let total = 0;
    for (;;) {
      const n = await s.integrateOnce();
      total += n;
      if (n < this.settings.batchSize) return total;
    }
  }

  sequencerHeldBytes(): number {
    return this.sequencer?.heldBytes() ?? 0;
  }

  async verifierKey(): Promise<string> {
    return (await this.key()).vkey;
  }

  private async latest(): Promise<repo.CheckpointRow> {
    await this.key();
    const c = await repo.latestCheckpoint(this.db);
    if (!c) throw errors.unavailable('The ledger has not published a checkpoint yet.');
    return c;
  }

  /** The latest signed checkpoint with the cosignatures received for it. */
  async checkpoint(): Promise<string> {
    const c = await this.latest();
    return this.withStoredCosignatures(c);
  }

  private async withStoredCosignatures(c: repo.CheckpointRow): Promise<string> {
    const cos = await repo.cosignaturesAt(this.db, c.treeSize);
    if (cos.length === 0) return c.note;
    const { text } = parseNote(c.note);
    const sigs = cos.map((x) => parseNote(`${text}\n${x.line}\n`).signatures[0]!);
    return withCosignatures(c.note, sigs);
  }

  /** Proofs read tiles through a cache: the tiles above level 0 are shared by every proof (tile-cache.ts). */
  private tiles: CachingTileReader | undefined;

  private tileReader(): TileReader {
    this.tiles ??= new CachingTileReader({
      readTiles: (ids) => repo.readTiles(this.db, ids),
      readTilesWithNodes: (ids) => repo.readTilesWithNodes(this.db, ids),
    });
    return this.tiles;
  }

  /** A hash tile or entry bundle by its path below /ledger/tile/; partial tiles are prefixes. */
  async tile(path: string): Promise<Buffer> {
    let t: ReturnType<typeof parseTilePath>;
    try {
      t = parseTilePath(`tile/${path}`);
    } catch (err) {
      if (err instanceof TileError) throw errors.notFound(`Tile ${path}`);
      throw err;
    }
    const data =
      t.level === 'entries'
        ? await repo.readEntryBundle(this.db, t.index, t.width)
        : (await repo.readTiles(this.db, [t]))[0];
    if (!data) throw errors.notFound(`Tile ${path}`);
    return data;
  }

  private async checkSize(size: number, what: string): Promise<void> {
    const c = await this.latest();
    if (size > c.treeSize)
      throw errors.badRequest(`${what} ${size} is beyond the latest checkpoint (size ${c.treeSize}).`);
  }

  async inclusionProof(
    index: number,
    size: number,
  ): Promise<{ index: number; size: number; root: string; proof: string[] }> {
    await this.checkSize(size, 'size');
    if (index >= size) throw errors.badRequest(`index ${index} must be below size ${size}.`);
    const src = new TileHashSource(this.tileReader(), size, this.subtrees);
    const [proof, root] = await Promise.all([inclusionProof(index, size, src), treeRoot(size, src)]);
    return { index, size, root: root.toString('base64'), proof: proof.map((h) => h.toString('base64')) };
  }

  async consistencyProof(
    from: number,
    to: number,
  ): Promise<{ from: number; to: number; root1: string; root2: string; proof: string[] }> {
    await this.checkSize(to, 'to');
    if (from < 1)
      throw errors.badRequest('from must be at least 1: there is no consistency proof from the empty tree.');
    if (from > to) throw errors.badRequest(`from ${from} must not exceed to ${to}.`);
    const src = new TileHashSource(this.tileReader(), to, this.subtrees);
    const [proof, root1, root2] = await Promise.all([
      consistencyProof(from, to, src),
      treeRoot(from, src),
      treeRoot(to, src),
    ]);
    return {
      from,
      to,
      root1: root1.toString('base64'),
      root2: root2.toString('base64'),
      proof: proof.map((h) => h.toString('base64')),
    };
  }

  /** A receipt for a record version, for those who may read the record's organization. */
  async receipt(actor: Actor, kind: string, id: string, version?: number): Promise<ReceiptView> {
    const c = await repo.findCommitment(this.db, kind, id, version);
    const org = c && (await this.deps.orgs?.orgRef(c.org));
    if (!c || !org) throw errors.notFound('The record');
    assertCan(actor, 'read', org, 'The record');
    if (c.leafIndex === null)
      throw errors.notYetInLog('The record is committed but not yet in the log; ask again in a second.');
    const latest = await this.latest();
    const src = new TileHashSource(this.tileReader(), latest.treeSize, this.subtrees);
    const proof = await inclusionProof(c.leafIndex, latest.treeSize, src);
    const note = await this.withStoredCosignatures(latest);
    return {
      kind: c.kind,
      id: c.id,
      version: c.version,
      leafIndex: c.leafIndex,
      treeSize: latest.treeSize,
      entry: { v: parseEntry(c.entry).v, ...metadataOf(c.entry, c.salt, c.metadata) },
      salt: c.salt.toString('base64'),
      receipt: formatReceipt({ extra: c.entry, index: c.leafIndex, proof, checkpoint: note }),
    };
  }

  /**
   * The metadata of the log's entries [from, from + limit) that the caller may see: an entry's
   * metadata is no more public than its record, so the shared access rule decides (read on the
   * acting organization). The record's organization and those above it see its entries; an
   * auditor of the coordination centre sees every entry; anyone else sees none. The public tiles
   * hold only the opaque commitments these answer for.
   */
  async entries(actor: Actor, from: number, limit: number): Promise<LedgerEntries> {
    const { treeSize } = await this.latest();
    const rows =
      from < treeSize ? await repo.entriesByLeaf(this.db, from, Math.min(limit, treeSize - from)) : [];
    const refs = new Map<string, Promise<OrgRef | undefined>>();
    const refOf = (id: string) => {
      let r = refs.get(id);
      if (!r) {
        r = this.deps.orgs?.orgRef(id) ?? Promise.resolve(undefined);
        refs.set(id, r);
      }
      return r;
    };
    const items: LedgerEntries['items'] = [];
    for (const row of rows) {
      const org = await refOf(row.org);
      if (!org || !can(actor, 'read', org)) continue;
      items.push({
        index: row.leafIndex,
        v: parseEntry(row.entry).v,
        ...metadataOf(row.entry, row.salt, row.metadata),
        salt: row.salt.toString('base64'),
      });
    }
    return { treeSize, from, items };
  }

  /** Accepts cosignature lines from configured witnesses for the checkpoint of `size`. */
  async addCosignatures(size: number, lines: string[]): Promise<{ accepted: string[] }> {
    const k = await this.key();
    const c = await repo.checkpointAt(this.db, size);
    if (!c) throw errors.notFound(`Checkpoint of size ${size}`);
    if (this.settings.witnesses.length === 0)
      throw errors.forbidden('This ledger has no configured witnesses.');
    let sigs: ReturnType<typeof verifyCosignatures>;
    try {
      sigs = verifyCosignatures(
        c.note,
        lines,
        noteVerifier(k.origin, SIG_ED25519, k.publicKey),
        this.settings.witnesses,
      );
    } catch (err) {
      if (err instanceof CosignatureError || err instanceof NoteError || err instanceof CheckpointError) {
        throw errors.unprocessable(err.message);
      }
      throw err;
    }
    for (const s of sigs) await repo.putCosignature(this.db, size, s.name, s.line);
    return { accepted: sigs.map((s) => s.name) };
  }

  async status(): Promise<LedgerStatus> {
    const k = await this.key();
    const c = await this.latest();
    const [pending, cos] = await Promise.all([repo.countPending(this.db), repo.latestCosignatures(this.db)]);
    return {
      origin: k.origin,
      verifierKey: k.vkey,
      treeSize: c.treeSize,
      root: c.root.toString('base64'),
      checkpoint: await this.withStoredCosignatures(c),
      publishedAt: c.createdAt.toISOString(),
      pending,
      keyEncrypted: k.encrypted,
      witnesses: this.settings.witnesses.map((w) => {
        const last = cos.find((x) => x.witness === w.name);
        return {
          name: w.name,
          key: `${w.name}+${w.keyId.toString('hex')}+${Buffer.concat([Buffer.from([w.type]), w.publicKey]).toString('base64')}`,
          lastCosignedSize: last?.treeSize ?? null,
          lastCosignedAt: last?.receivedAt.toISOString() ?? null,
        };
      }),
    };
  }
}
