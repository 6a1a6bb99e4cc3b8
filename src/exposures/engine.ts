// The exposure engine: the in-memory match index and the facts it ranks by (rebuilt from the
// database at start, followed on a shared PostgreSQL), and the matching that the assets and
// advisories domains call inside their own transactions (it implements their AssetMatching and
// AdvisoryMatching ports, wired by src/app/context.ts). Each call reconciles the stored exposures
// of its scope in the caller's transaction and commits every change to the ledger there, so the
// document, its exposures and their commitments commit together or not at all; the index, the
// facts and the events follow in after-commit hooks, so a rollback leaves them untouched.
import {
  type AdvisoryFacts,
  type AdvisoryMatching,
  type ExposureChangeCounts,
  advisoriesFingerprint,
  advisoryFactsFingerprint,
  readActiveAdvisories,
  readAdvisoryFacts,
} from '../advisories/index.ts';
import {
  type AssetFacts,
  type AssetMatching,
  assetsFingerprint,
  type DeployedComponent,
  readAssetFacts,
  readAssetFactPages,
  readDeployedComponents,
} from '../assets/index.ts';
import { commitRecords, type RecordCommitment } from '../ledger/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import { nextTurn } from '../platform/threads.ts';
import type { Worker } from '../platform/worker.ts';
import { IntelMarks, intelMarksFingerprint, readIntelMarks } from './intel-exploited.ts';
import { type CompiledAdvisory, compileAdvisory, ExposureIndex, type Match } from './match-index.ts';
import type { DueDatePolicy } from './policy.ts';
import type { ExposureNames } from './presenters.ts';
import { type ChangedExposure, type ReconcileCounts, ledgerRecord, reconcileInTurns } from './reconcile.ts';
import * as repo from './repo.ts';
import { Serialiser } from './serialiser.ts';

/** How long a request waits for the start-up build of the index before it is answered 503. */
const INDEX_WAIT_MS = 5_000;
/** A guess of the start-up build's length for Retry-After (about 20 s at 100,000 assets). */
const INDEX_BUILD_GUESS_MS = 20_000;

/** Work of the index build between turns of the event loop, and assets read per query. */
const REBUILD_SLICE_MS = 15;
const REBUILD_ASSETS_PER_PAGE = 500;
const REBUILD_FACTS_PER_PAGE = 2000;

/** Components matched per turn of the event loop when an SBOM is stored, at most, and for at most this long. */
const MATCH_SLICE = 1000;
const MATCH_SLICE_MS = 8;
/** Components matched between two looks at the clock. */
const MATCH_STEP = 50;
/** Advisories compiled and matched per turn of the event loop when an import stores them. */
const ADVISORY_SLICE = 200;
/**
 * Components entered into (or old entries removed from) the index per turn of the event loop
 * after an SBOM's commit: 50,000 in one go held the loop for 0.2-0.4 s.
 */
const INDEX_SLICE = 2000;
/** Exposure changes whose event items are built per turn of the event loop after a commit. */
const PUBLISH_SLICE = 5000;
/** Exposure commitments whose inputs are built per turn of the event loop (commitRecords' own chunk). */
const COMMITMENT_SLICE = 200;

export class ExposureEngine implements AssetMatching, AdvisoryMatching {
  index = new ExposureIndex();
  private assets = new Map<string, AssetFacts>();
  private advisories = new Map<string, AdvisoryFacts>();
  /** CVEs threat intelligence shows exploited, and whom each mark reaches (intel-exploited.ts). */
  private intel = new IntelMarks();
  /** Whether `intel` holds the database's marks (a process that never builds the index reads them on demand). */
  private intelLoaded = false;
  private built: Promise<void> | null = null;
  private builtOnce = false;
  private buildStarted = 0;
  /** How long a serving process's request waits for the start-up build (tests shorten it). */
  indexWaitMs = INDEX_WAIT_MS;
  /** Set by the worker: this process serves requests, which must not wait for the whole build. */
  private serving = false;
  /** What the database looked like when this process last built or wrote (see `refreshIfChanged`). */
  private fingerprint = '';
  /** The same for the facts exposures are ranked by (KEV, EPSS, intelligence marks): a cheaper reload. */
  private factsFingerprint = '';
  private readonly serial = new Serialiser();
  /** Transactions that already re-read the fingerprint after commit. */
  private readonly followed = new WeakSet<Tx>();

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    readonly policy: DueDatePolicy,
    private readonly log?: Logger,
  ) {}

  // ---- index life cycle --------------------------------------------------------------------------

  /** Rebuilds the index and the fact tables from the database (at start, and before a full rematch). */
  async rebuild(): Promise<{ advisories: number; assets: number; components: number; ms: number }> {
    const t0 = performance.now();
    const index = new ExposureIndex();
    // In slices of a few milliseconds with turns of the event loop in between, and small pages:
    // the server answers requests while it builds.
    let slice = performance.now();
    const turn = async () => {
      if (performance.now() - slice < REBUILD_SLICE_MS) return;
      await nextTurn();
      slice = performance.now();
    };
    const assets = new Map<string, AssetFacts>();
    for await (const page of readAssetFactPages(this.db, REBUILD_FACTS_PER_PAGE)) {
      await turn();
      for (const a of page) assets.set(a.id, a);
    }
    const byAsset = new Map<string, DeployedComponent[]>();
    let components = 0;
    for await (const page of readDeployedComponents(this.db, REBUILD_ASSETS_PER_PAGE)) {
      await turn();
      for (const c of page) {
        let list = byAsset.get(c.assetId);
        if (!list) {
          list = [];
          byAsset.set(c.assetId, list);
        }
        list.push(c);
        components++;
      }
    }
    const tComponents = performance.now();
    for (const [asset, list] of byAsset) {
      index.setAssetComponents(asset, list);
      await turn();
    }
    const tIndexed = performance.now();
    for await (const docs of readActiveAdvisories(this.db))
      for (const d of docs) {
        index.putAdvisory(compileAdvisory(d));
        await turn();
      }
    for (const _ of index.prepareSteps()) await turn();
    const tAdvisories = performance.now();
    const factsFingerprint = await this.readFactsFingerprint();
    const advisories = new Map<string, AdvisoryFacts>();
    for (const f of await readAdvisoryFacts(this.db)) advisories.set(f.id, f);
    const intel = new IntelMarks(await readIntelMarks(this.db));
    this.log?.debug(
      {
        loadComponentsMs: tComponents - t0,
        indexComponentsMs: tIndexed - tComponents,
        advisoriesMs: tAdvisories - tIndexed,
        factsMs: performance.now() - tAdvisories,
      },
      'exposure index phases',
    );
    this.index = index;
    this.assets = assets;
    this.advisories = advisories;
    this.intel = intel;
    this.intelLoaded = true;
    this.factsFingerprint = factsFingerprint;
    this.fingerprint = await this.readFingerprint();
    const ms = performance.now() - t0;
    this.log?.info(
      { advisories: index.advisoryCount, assets: index.assetCount, components, ms },
      'exposure index built',
    );
    return { advisories: index.advisoryCount, assets: index.assetCount, components, ms };
  }

  /** Builds the index once (lazily for CLI processes; the server's worker builds it at start). */
  ready(): Promise<void> {
    this.buildStarted ||= performance.now();
    this.built ??= this.rebuild().then(
      () => {
        this.builtOnce = true;
      },
      (err: unknown) => {
        this.built = null;
        throw err;
      },
    );
    return this.built;
  }

  private async readFingerprint(): Promise<string> {
    // An embedded database belongs to one process: nobody else writes to it.
    if (this.db.dialect !== 'postgres') return '';
    return `${await assetsFingerprint(this.db)}|${await advisoriesFingerprint(this.db)}`;
  }

  private async readFactsFingerprint(): Promise<string> {
    if (this.db.dialect !== 'postgres') return '';
    return `${await advisoryFactsFingerprint(this.db)}|${await intelMarksFingerprint(this.db)}`;
  }

  /**
   * Re-reads what exposures are ranked and presented by (KEV, EPSS, intelligence marks) after
   * another process changed them: that process re-ranked the stored exposures in its own
   * transaction; this one's presenters (due rules, EPSS, exploitation) follow without a rebuild.
   */
  private async reloadFacts(): Promise<void> {
    const fingerprint = await this.readFactsFingerprint();
    const advisories = new Map<string, AdvisoryFacts>();
    for (const f of await readAdvisoryFacts(this.db)) advisories.set(f.id, f);
    this.intel = new IntelMarks(await readIntelMarks(this.db));
    this.intelLoaded = true;
    this.advisories = advisories;
    this.factsFingerprint = fingerprint;
  }

  /**
   * Rebuilds the index when another process (an API node, the CLI against the same PostgreSQL)
   * changed assets, SBOMs, advisories or KEV since this one last looked. Cheap when nothing changed.
   * A write whose transaction started before the last look but committed after it is missed until
   * the next change or a full rematch.
   */
  async refreshIfChanged(): Promise<boolean> {
    if (!this.built) return false;
    await this.built;
    return this.serial.run(async () => {
      if ((await this.readFingerprint()) !== this.fingerprint) {
        await this.rebuild();
        return true;
      }
      if ((await this.readFactsFingerprint()) === this.factsFingerprint) return false;
      await this.reloadFacts();
      return true;
    });
  }

  /**
   * The worker that builds the index at start and, on a shared PostgreSQL, follows other processes'
   * writes. It does not wait for the build (20 s at 100,000 assets): the server answers /healthz and
   * /readyz, and every request that needs no index, at once. A request that needs the index waits
   * for it up to `INDEX_WAIT_MS`, then answers 503 `starting` with Retry-After (see `awaitIndex`).
   */
  worker(intervalMs = 15_000): Worker {
    let timer: NodeJS.Timeout | undefined;
    return {
      name: 'exposure-index',
      start: async () => {
        this.serving = true;
        this.ready().catch((err: unknown) =>
          this.log?.error({ err }, 'exposure index build failed; the next request that needs it retries'),
        );
        if (this.db.dialect !== 'postgres') return;
        timer = setInterval(() => {
          this.refreshIfChanged().catch((err: unknown) =>
            this.log?.warn({ err }, 'exposure index refresh failed'),
          );
        }, intervalMs);
        timer.unref();
      },
      stop: async () => clearInterval(timer),
    };
  }

  /** Runs a write that matches (or changes exposures): one at a time, with the index built. */
  async serialise<T>(write: () => Promise<T>): Promise<T> {
    await this.awaitIndex();
    return this.serial.run(write);
  }

  /**
   * The index, for a request. A command-line process builds it and waits; a serving process (whose
   * worker started the build) waits up to `INDEX_WAIT_MS`, then refuses with 503 and Retry-After
   * rather than hold the request for the rest of the build.
   */
  async awaitIndex(): Promise<void> {
    const built = this.ready();
    if (!this.serving || this.indexReady) return built;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const left = this.buildStarted ? INDEX_BUILD_GUESS_MS - (performance.now() - this.buildStarted) : 0;
        reject(
          errors.starting(
            Math.max(1, Math.ceil(left / 1000)),
            'The exposure index is still being built after the start; try again shortly.',
          ),
        );
      }, this.indexWaitMs);
    });
    try {
      await Promise.race([built, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the index has been built (false while the server's start-up build runs). */
  get indexReady(): boolean {
    return this.builtOnce;
  }

  // ---- the matching ports (called inside the owning domain's transaction) -----------------------

  async sbomStored(tx: Tx, asset: AssetFacts, components: DeployedComponent[]): Promise<ReconcileCounts> {
    const desired: Match[] = [];
    // In slices, letting other requests through in between: a 50,000-component SBOM would hold
    // the event loop for a few hundred milliseconds in one go. Bounded by time, not only count:
    // a package's interval table is built at its first match, so 1,000 components were turns
    // of 80-440 ms when they met many packages for the first time.
    let slice = performance.now();
    for (let i = 0; i < components.length; i += MATCH_STEP) {
      if (i > 0 && (i % MATCH_SLICE === 0 || performance.now() - slice > MATCH_SLICE_MS)) {
        await nextTurn();
        slice = performance.now();
      }
      this.index.matchComponents(components.slice(i, i + MATCH_STEP), (component, advisory) =>
        desired.push({ asset: asset.id, advisory, component }),
      );
    }
    const counts = await this.apply(
      tx,
      { assets: [asset.id] },
      desired,
      new Map([[asset.id, asset]]),
      new Map(),
    );
    // The index takes the components in slices, invisible until one swap makes them the asset's
    // (replaceAssetSteps); `serialise` holds other matching writes until this hook is done.
    tx.afterCommit(async () => {
      this.assets.set(asset.id, asset);
      for (const _ of this.index.replaceAssetSteps(asset.id, components, INDEX_SLICE)) await nextTurn();
    });
    return counts;
  }

  assetChanged(tx: Tx, asset: AssetFacts): Promise<ReconcileCounts> {
    return this.sbomStored(tx, asset, this.index.componentsOf(asset.id));
  }

  async advisoriesStored(
    tx: Tx,
    list: { advisory: Parameters<typeof compileAdvisory>[0]; facts: AdvisoryFacts }[],
  ): Promise<ReconcileCounts & { byOrg: Map<string, ExposureChangeCounts> }> {
    const desired: Match[] = [];
    const compiled: CompiledAdvisory[] = [];
    const facts = new Map<string, AdvisoryFacts>();
    for (const [i, { advisory, facts: f }] of list.entries()) {
      // A turn of the event loop every few hundred advisories: an archive holds thousands.
      if (i > 0 && i % ADVISORY_SLICE === 0) await nextTurn();
      const c = compileAdvisory(advisory);
      compiled.push(c);
      facts.set(advisory.id, f);
      this.index.matchAdvisory(c, (m) => desired.push(m));
    }
    const counts = await this.apply(tx, { advisories: [...facts.keys()] }, desired, new Map(), facts);
    tx.afterCommit(async () => {
      // In slices too (an archive's thousands of advisories); serialise holds other matching writes.
      for (const [i, c] of compiled.entries()) {
        if (i > 0 && i % ADVISORY_SLICE === 0) await nextTurn();
        this.index.putAdvisory(c);
      }
      for (const [id, f] of facts) this.advisories.set(id, f);
    });
    return counts;
  }

  async advisoryFactsChanged(
    tx: Tx,
    list: AdvisoryFacts[],
  ): Promise<ReconcileCounts & { byOrg: Map<string, ExposureChangeCounts> }> {
    const desired: Match[] = [];
    const facts = new Map(list.map((f) => [f.id, f]));
    for (const f of list) {
      const c = this.index.advisory(f.id);
      if (c) this.index.matchAdvisory(c, (m) => desired.push(m));
    }
    const counts = await this.apply(tx, { advisories: [...facts.keys()] }, desired, new Map(), facts);
    tx.afterCommit(() => {
      for (const [id, f] of facts) this.advisories.set(id, f);
    });
    return counts;
  }

  /**
   * Threat intelligence marked these CVEs exploited (committed): the exposures of the advisories
   * that are, or alias, one of them are re-ranked at once, in their own transaction. Each mark
   * reaches only its organization's exposures (every organization's when `org` is null).
   */
  async intelMarked(marks: readonly { cveId: string; org: string | null; source: string }[]): Promise<void> {
    if (marks.length === 0) return;
    // After a start, the first mark waits for the index build (the facts come with it).
    await this.ready();
    await this.serial.run(async () => {
      for (const m of marks) this.intel.add(m.cveId, m.org, m.source);
      const cves = new Set(marks.map((m) => m.cveId.toUpperCase()));
      const ids: string[] = [];
      for (const f of this.advisories.values())
        if (cves.has(f.id.toUpperCase()) || f.aliases.some((a) => cves.has(a.toUpperCase()))) ids.push(f.id);
      if (ids.length === 0) return;
      const desired: Match[] = [];
      for (const id of ids) {
        const c = this.index.advisory(id);
        if (c) this.index.matchAdvisory(c, (m) => desired.push(m));
      }
      await this.db.transaction((tx) => this.apply(tx, { advisories: ids }, desired, new Map(), new Map()));
    });
  }

  /** Full rematch: rebuild from the database, then reconcile every stored exposure with every match. */
  async rematch(): Promise<ReconcileCounts & { components: number; ms: number }> {
    return this.serialise(async () => {
      const t0 = performance.now();
      const built = await this.rebuild();
      const desired: Match[] = [];
      this.index.matchAll((m) => desired.push(m));
      const { byOrg: _byOrg, ...counts } = await this.db.transaction((tx) =>
        this.apply(tx, { all: true }, desired, new Map(), new Map()),
      );
      return { ...counts, components: built.components, ms: performance.now() - t0 };
    });
  }

  // ---- storing the changes -------------------------------------------------------------------------

  /** Reconciles the scope in `tx`, stores the changes and their ledger commitments, publishes after commit. */
  private async apply(
    tx: Tx,
    scope: repo.Scope,
    desired: Match[],
    pendingAssets: Map<string, AssetFacts>,
    pendingAdvisories: Map<string, AdvisoryFacts>,
  ): Promise<ReconcileCounts & { byOrg: Map<string, ExposureChangeCounts> }> {
    const now = new Date();
    const t0 = performance.now();
    const existing = await repo.exposuresIn(tx, scope);
    const { created, changed, counts } = await reconcileInTurns({
      existing,
      desired,
      assetOf: (id) => pendingAssets.get(id) ?? this.assets.get(id),
      advisoryOf: (id) => pendingAdvisories.get(id) ?? this.advisories.get(id),
      policy: this.policy,
      now,
      intelReaches: (ids, org) => this.intel.reaches(ids, org),
    });
    const t1 = performance.now();
    await repo.insertExposures(tx, created);
    await repo.updateExposures(
      tx,
      changed.map((c) => c.change),
    );
    const t2 = performance.now();
    // The commitments' inputs are built a slice at a time, just before their statements: built
    // all at once, the 30,000 of a 50,000-component SBOM held the event loop for one long turn.
    const commitments = created.length + changed.length;
    for (let i = 0; i < commitments; i += COMMITMENT_SLICE) {
      if (i > 0) await nextTurn();
      const slice: RecordCommitment[] = [];
      for (let j = i; j < Math.min(i + COMMITMENT_SLICE, commitments); j++) {
        if (j < created.length) {
          const e = created[j]!;
          slice.push({
            kind: 'exposure',
            id: e.id,
            version: 1,
            org: e.orgId,
            at: now,
            record: ledgerRecord({ ...e, status: 'open' as const, note: null }),
          });
        } else {
          const { row, change } = changed[j - created.length]!;
          slice.push({
            kind: 'exposure',
            id: row.id,
            version: change.versionNo,
            org: row.orgId,
            at: now,
            record: ledgerRecord({ ...row, ...change }),
          });
        }
      }
      await commitRecords(tx, slice);
    }
    this.log?.debug(
      {
        existing: existing.length,
        created: created.length,
        changed: changed.length,
        readMs: t1 - t0,
        writeMs: t2 - t1,
        ledgerMs: performance.now() - t2,
      },
      'exposures reconciled',
    );
    tx.afterCommit(() => this.publish(created, changed));
    this.followAfterCommit(tx);
    return { ...counts, byOrg: countsByOrg(created, changed) };
  }

  /** After this process's own write, the fingerprint it compares against moves on. */
  followAfterCommit(tx: Tx): void {
    if (this.followed.has(tx)) return;
    this.followed.add(tx);
    tx.afterCommit(async () => {
      this.fingerprint = await this.readFingerprint();
      this.factsFingerprint = await this.readFactsFingerprint();
    });
  }

  /**
   * One event per organization and kind of change, so owners (and webhooks) hear of their
   * exposures. The events' items are built a slice at a time with a turn between (the 30,140 of a
   * 50,000-component SBOM were one turn of about 50 ms on the loaded machine); the events go out
   * together once all are built.
   */
  private async publish(created: repo.NewExposure[], changed: ChangedExposure[]): Promise<void> {
    const groups = new Map<string, { topic: string; org: string; exposures: unknown[] }>();
    const add = (topic: string, org: string, item: unknown) => {
      const k = `${topic}\u0000${org}`;
      let g = groups.get(k);
      if (!g) {
        g = { topic, org, exposures: [] };
        groups.set(k, g);
      }
      g.exposures.push(item);
    };
    for (const [i, e] of created.entries()) {
      if (i > 0 && i % PUBLISH_SLICE === 0) await nextTurn();
      add('exposure.opened', e.orgId, {
        id: e.id,
        asset: e.assetId,
        advisory: e.advisoryId,
        kev: e.kev,
        priority: e.priority,
        due: e.due,
      });
    }
    for (const [i, { row, change, kind }] of changed.entries()) {
      if (i > 0 && i % PUBLISH_SLICE === 0) await nextTurn();
      add(`exposure.${kind}`, row.orgId, {
        id: row.id,
        asset: row.assetId,
        advisory: row.advisoryId,
        kev: change.kev,
        priority: change.priority,
        due: change.due,
        status: change.status,
      });
    }
    for (const g of groups.values()) this.events.publish(g.topic, g.org, { exposures: g.exposures });
  }

  // ---- facts for presenting --------------------------------------------------------------------------

  /** Loads the facts of assets and advisories this process has not seen (another process wrote them). */
  async learnFactsOf(rows: readonly repo.ExposureRow[]): Promise<void> {
    if (rows.some((r) => !this.assets.has(r.assetId)))
      for (const a of await readAssetFacts(this.db)) this.assets.set(a.id, a);
    const missing = [
      ...new Set(rows.filter((r) => !this.advisories.has(r.advisoryId)).map((r) => r.advisoryId)),
    ];
    if (missing.length)
      for (const f of await readAdvisoryFacts(this.db, missing)) this.advisories.set(f.id, f);
    if (!this.intelLoaded && rows.length > 0) {
      this.intel = new IntelMarks(await readIntelMarks(this.db));
      this.intelLoaded = true;
    }
  }

  /**
   * What an exposure is presented with: its asset's name and its advisory's aliases, and the facts
   * and policy its ranking came from (severity source, EPSS, the due-date rule).
   */
  namesOf(r: repo.ExposureRow): ExposureNames {
    const asset = this.assets.get(r.assetId);
    const advisory = this.advisories.get(r.advisoryId);
    return {
      assetName: asset?.name ?? '',
      aliases: advisory?.aliases ?? [],
      asset,
      advisory,
      policy: this.policy,
      intel: this.intel.sightingsFor([r.advisoryId, ...(advisory?.aliases ?? [])], r.orgId),
    };
  }

  /** Asset facts as the engine knows them. */
  assetFacts(id: string): AssetFacts | undefined {
    return this.assets.get(id);
  }
}

/** The changes of one reconciliation per organization (answers report only what the caller sees). */
function countsByOrg(
  created: repo.NewExposure[],
  changed: ChangedExposure[],
): Map<string, ExposureChangeCounts> {
  const out = new Map<string, ExposureChangeCounts>();
  const of = (org: string) => {
    let c = out.get(org);
    if (!c) {
      c = { opened: 0, reopened: 0, resolved: 0, updated: 0 };
      out.set(org, c);
    }
    return c;
  };
  for (const e of created) of(e.orgId).opened++;
  for (const { row, kind } of changed) of(row.orgId)[kind]++;
  return out;
}
