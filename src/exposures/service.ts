// The exposure engine and queue. It keeps the in-memory index (rebuilt from the database at
// start), reconciles stored exposures with what the index says whenever an SBOM, an advisory or
// the KEV catalogue arrives (inside the caller's transaction, so nothing of a refused document is
// stored), commits every exposure state change to the ledger, and publishes events after commit.
// Writes are serialised in this process so the index never changes under a running match.
import { randomUUID } from 'node:crypto';
import * as advisoryRepo from '../advisories/index.ts';
import * as assetRepo from '../assets/index.ts';
import { commitRecords } from '../ledger/index.ts';
import { type Actor, assertCan, assertRoleGrants, type OrgRef, visibleOrgsSql } from '../access/index.ts';
import type { Database, Tx } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import {
  type CompiledAdvisory,
  compileAdvisory,
  type DeployedComponent,
  ExposureIndex,
  type IndexableAdvisory,
  type Match,
} from './match-index.ts';
import {
  DEFAULT_DUE_POLICY,
  type DueDatePolicy,
  dueDateOf,
  type ExposureStatus,
  priorityOf,
  ratingOfScore,
} from './policy.ts';
import * as repo from './repo.ts';

export interface AssetFacts {
  id: string;
  orgId: string;
  name: string;
  criticality: 'low' | 'medium' | 'high' | 'critical';
  criticalInfrastructure: boolean;
  sector: string | null;
  region: string;
  internetFacing: boolean;
}

export interface AdvisoryFacts {
  id: string;
  aliases: string[];
  score: number | null;
  rating: string | null;
  kevDue: string | null;
}

export interface ReconcileCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  /** Exposures in the scope that are not resolved afterwards. */
  active: number;
}

/** What a domain service may do to exposures inside one write (one transaction). */
export interface ExposureWriter {
  /** A new SBOM of an asset: match only its components, reconcile the asset's exposures. */
  applySbom(asset: AssetFacts, components: DeployedComponent[]): Promise<ReconcileCounts>;
  /** Changed facts of an asset (criticality, endpoints …): re-rank its exposures. */
  refreshAsset(asset: AssetFacts): Promise<ReconcileCounts>;
  /** New, updated or withdrawn advisories: find their components through the index. */
  applyAdvisories(list: { advisory: IndexableAdvisory; facts: AdvisoryFacts }[]): Promise<ReconcileCounts>;
  /** Advisories whose KEV status or due date changed: re-rank their exposures. */
  refreshAdvisoryFacts(list: AdvisoryFacts[]): Promise<ReconcileCounts>;
}

/** An exposure as it leaves the server. */
export interface PresentedExposure {
  id: string;
  org: string;
  asset: string;
  assetName: string;
  advisory: string;
  aliases: string[];
  ecosystem: string;
  package: string;
  version: string;
  purl: string | null;
  severity: { score: number | null; rating: string };
  kev: boolean;
  priority: number;
  due: string;
  status: ExposureStatus;
  sector: string | null;
  region: string;
  firstSeen: string;
  resolvedAt: string | null;
  reopened: number;
  note: string | null;
  /** Ledger version of this exposure record (1 when opened, +1 per state change). */
  revision: number;
}

const MANUAL_STATUSES: readonly ExposureStatus[] = [
  'open',
  'acknowledged',
  'mitigated',
  'accepted_risk',
  'false_positive',
];

function keyOf(
  asset: string,
  advisory: string,
  ecosystem: string,
  normalizedName: string,
  version: string,
): string {
  return `${asset}\u0000${advisory}\u0000${ecosystem}\u0000${normalizedName}\u0000${version}`;
}

export class ExposureService {
  index = new ExposureIndex();
  private assets = new Map<string, AssetFacts>();
  private advisories = new Map<string, AdvisoryFacts>();
  private built: Promise<void> | null = null;
  /** What the database looked like when this process last built or wrote (see `refreshIfChanged`). */
  private fingerprint = '';
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly orgRef: (id: string) => Promise<OrgRef | undefined>,
    private readonly log?: Logger,
    readonly policy: DueDatePolicy = DEFAULT_DUE_POLICY,
  ) {}

  // ---- index life cycle --------------------------------------------------------------------------

  /** Rebuilds the index and the fact tables from the database (at start, and before a full rematch). */
  async rebuild(): Promise<{ advisories: number; assets: number; components: number; ms: number }> {
    const t0 = performance.now();
    const index = new ExposureIndex();
    const assets = new Map<string, AssetFacts>();
    for (const a of await assetRepo.listAssetFacts(this.db)) assets.set(a.id, a);
    const byAsset = new Map<string, DeployedComponent[]>();
    let components = 0;
    for await (const page of assetRepo.currentComponents(this.db)) {
      for (const c of page) {
        let list = byAsset.get(c.assetId);
        if (!list) {
          list = [];
          byAsset.set(c.assetId, list);
        }
        list.push({
          ecosystem: c.ecosystem,
          normalizedName: c.normalizedName,
          name: c.name,
          version: c.version,
          ...(c.purl ? { purl: c.purl } : {}),
        });
        components++;
      }
    }
    const tComponents = performance.now();
    for (const [asset, list] of byAsset) index.setAssetComponents(asset, list);
    const tIndexed = performance.now();
    for await (const docs of advisoryRepo.activeAdvisoryDocs(this.db))
      for (const d of docs) index.putAdvisory(compileAdvisory(d));
    index.prepare();
    const tAdvisories = performance.now();
    const advisories = new Map<string, AdvisoryFacts>();
    for (const f of await advisoryRepo.advisoryFacts(this.db))
      advisories.set(f.id, advisoryRepo.toAdvisoryFacts(f));
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
    this.built ??= this.rebuild().then(
      () => undefined,
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
    return `${await assetRepo.assetsFingerprint(this.db)}|${await advisoryRepo.advisoriesFingerprint(this.db)}`;
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
    return this.exclusive(async () => {
      if ((await this.readFingerprint()) === this.fingerprint) return false;
      await this.rebuild();
      return true;
    });
  }

  /** The worker that builds the index at start and, on a shared PostgreSQL, follows other processes' writes. */
  worker(intervalMs = 15_000): { name: string; start(): Promise<void>; stop(): Promise<void> } {
    let timer: NodeJS.Timeout | undefined;
    return {
      name: 'exposure-index',
      start: async () => {
        await this.ready();
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

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs `fn` in one transaction with a writer for exposure changes. The index and the event bus
   * see the changes only after the transaction commits; a rollback leaves both untouched.
   */
  async write<T>(fn: (tx: Tx, writer: ExposureWriter) => Promise<T>): Promise<T> {
    await this.ready();
    return this.exclusive(async () => {
      const settle: (() => void)[] = [];
      const result = await this.db.transaction((tx) => fn(tx, this.writerFor(tx, settle)));
      for (const s of settle) s();
      this.fingerprint = await this.readFingerprint();
      return result;
    });
  }

  private writerFor(tx: Tx, settle: (() => void)[]): ExposureWriter {
    const writer: ExposureWriter = {
      refreshAsset: (asset) => writer.applySbom(asset, this.index.componentsOf(asset.id)),
      applySbom: async (asset, components) => {
        const desired: Match[] = [];
        this.index.matchComponents(components, (component, advisory) =>
          desired.push({ asset: asset.id, advisory, component }),
        );
        const pendingAssets = new Map([[asset.id, asset]]);
        const r = await this.reconcile(tx, { assets: [asset.id] }, desired, pendingAssets, new Map(), settle);
        settle.push(() => {
          this.assets.set(asset.id, asset);
          this.index.setAssetComponents(asset.id, components);
        });
        return r;
      },
      applyAdvisories: async (list) => {
        const desired: Match[] = [];
        const compiled: CompiledAdvisory[] = [];
        const facts = new Map<string, AdvisoryFacts>();
        for (const { advisory, facts: f } of list) {
          const c = compileAdvisory(advisory);
          compiled.push(c);
          facts.set(advisory.id, f);
          this.index.matchAdvisory(c, (m) => desired.push(m));
        }
        const r = await this.reconcile(
          tx,
          { advisories: [...facts.keys()] },
          desired,
          new Map(),
          facts,
          settle,
        );
        settle.push(() => {
          for (const c of compiled) this.index.putAdvisory(c);
          for (const [id, f] of facts) this.advisories.set(id, f);
        });
        return r;
      },
      refreshAdvisoryFacts: async (list) => {
        const desired: Match[] = [];
        const facts = new Map(list.map((f) => [f.id, f]));
        for (const f of list) {
          const c = this.index.advisory(f.id);
          if (c) this.index.matchAdvisory(c, (m) => desired.push(m));
        }
        const r = await this.reconcile(
          tx,
          { advisories: [...facts.keys()] },
          desired,
          new Map(),
          facts,
          settle,
        );
        settle.push(() => {
          for (const [id, f] of facts) this.advisories.set(id, f);
        });
        return r;
      },
    };
    return writer;
  }

  /** Full rematch: rebuild from the database, then reconcile every stored exposure with every match. */
  async rematch(actor?: Actor): Promise<ReconcileCounts & { components: number; ms: number }> {
    if (actor) {
      assertRoleGrants(actor, 'administer');
      if (actor.org.kind !== 'coordination-centre')
        throw errors.forbidden('Only the coordination centre may run a full rematch.');
    }
    await this.ready();
    return this.exclusive(async () => {
      const t0 = performance.now();
      const built = await this.rebuild();
      const desired: Match[] = [];
      this.index.matchAll((m) => desired.push(m));
      const settle: (() => void)[] = [];
      const counts = await this.db.transaction((tx) =>
        this.reconcile(tx, { all: true }, desired, new Map(), new Map(), settle),
      );
      for (const s of settle) s();
      return { ...counts, components: built.components, ms: performance.now() - t0 };
    });
  }

  // ---- reconciliation ------------------------------------------------------------------------------

  private assess(
    asset: AssetFacts,
    advisory: AdvisoryFacts | undefined,
    openedAt: Date,
  ): { priority: number; due: string; kev: boolean; score: number | null; rating: string } {
    const score = advisory?.score ?? null;
    const rating = ratingOfScore(score, advisory?.rating ?? null);
    const kev = Boolean(advisory?.kevDue);
    return {
      priority: priorityOf({
        kev,
        score,
        criticality: asset.criticality,
        criticalInfrastructure: asset.criticalInfrastructure,
        internetFacing: asset.internetFacing,
      }),
      due: dueDateOf(
        this.policy,
        { rating, kevDue: advisory?.kevDue ?? null, criticalInfrastructure: asset.criticalInfrastructure },
        openedAt,
      ),
      kev,
      score,
      rating,
    };
  }

  private async reconcile(
    tx: Tx,
    scope: repo.Scope,
    desired: Match[],
    pendingAssets: Map<string, AssetFacts>,
    pendingAdvisories: Map<string, AdvisoryFacts>,
    settle: (() => void)[],
  ): Promise<ReconcileCounts> {
    const now = new Date();
    const t0 = performance.now();
    const assetOf = (id: string) => pendingAssets.get(id) ?? this.assets.get(id);
    const advisoryOf = (id: string) => pendingAdvisories.get(id) ?? this.advisories.get(id);
    const wanted = new Map<string, Match>();
    for (const m of desired) {
      const c = m.component;
      wanted.set(keyOf(m.asset, m.advisory, c.ecosystem, c.normalizedName, c.version), m);
    }
    const existing = await repo.exposuresIn(tx, scope);
    const changes: repo.ExposureChange[] = [];
    const changed: {
      row: repo.ExposureRow;
      change: repo.ExposureChange;
      kind: 'reopened' | 'resolved' | 'updated';
    }[] = [];
    let active = 0;
    for (const e of existing) {
      const k = keyOf(e.assetId, e.advisoryId, e.ecosystem, e.normalizedName, e.version);
      const still = wanted.has(k);
      wanted.delete(k);
      const asset = assetOf(e.assetId);
      if (!asset) continue;
      if (still) {
        active++;
        const reopen = e.status === 'resolved';
        const a = this.assess(asset, advisoryOf(e.advisoryId), reopen ? now : new Date(e.openedAt));
        const currentScore = e.severityScore === null ? null : Number(e.severityScore);
        const drift =
          a.priority !== e.priority || a.kev !== e.kev || a.due !== e.due || a.score !== currentScore;
        if (!reopen && !drift) continue;
        const change: repo.ExposureChange = {
          id: e.id,
          status: reopen ? 'open' : e.status,
          versionNo: e.versionNo + 1,
          priority: a.priority,
          due: a.due,
          kev: a.kev,
          severityScore: a.score,
          severityRating: a.rating,
          reopened: e.reopened + (reopen ? 1 : 0),
          resolvedAt: null,
          ...(reopen ? { openedAt: now } : {}),
          note: e.note,
        };
        changes.push(change);
        changed.push({ row: e, change, kind: reopen ? 'reopened' : 'updated' });
      } else if (e.status !== 'resolved') {
        const change: repo.ExposureChange = {
          id: e.id,
          status: 'resolved',
          versionNo: e.versionNo + 1,
          priority: e.priority,
          due: e.due,
          kev: e.kev,
          severityScore: e.severityScore === null ? null : Number(e.severityScore),
          severityRating: e.severityRating,
          reopened: e.reopened,
          resolvedAt: now,
          note: e.note,
        };
        changes.push(change);
        changed.push({ row: e, change, kind: 'resolved' });
      }
    }
    const created: repo.NewExposure[] = [];
    for (const m of wanted.values()) {
      const asset = assetOf(m.asset);
      if (!asset) continue;
      const a = this.assess(asset, advisoryOf(m.advisory), now);
      created.push({
        id: randomUUID(),
        orgId: asset.orgId,
        assetId: asset.id,
        advisoryId: m.advisory,
        sector: asset.sector,
        region: asset.region,
        ecosystem: m.component.ecosystem,
        package: m.component.name,
        normalizedName: m.component.normalizedName,
        version: m.component.version,
        purl: m.component.purl ?? null,
        severityScore: a.score,
        severityRating: a.rating,
        kev: a.kev,
        priority: a.priority,
        due: a.due,
        firstSeen: now,
      });
    }
    active += created.length;
    const t1 = performance.now();
    await repo.insertExposures(tx, created);
    await repo.updateExposures(tx, changes);
    const t2 = performance.now();
    await commitRecords(tx, [
      ...created.map((e) => ({
        kind: 'exposure',
        id: e.id,
        version: 1,
        org: e.orgId,
        at: now,
        record: ledgerRecord({ ...e, status: 'open' as const, note: null }),
      })),
      ...changed.map(({ row, change }) => ({
        kind: 'exposure',
        id: row.id,
        version: change.versionNo,
        org: row.orgId,
        at: now,
        record: ledgerRecord({ ...row, ...change }),
      })),
    ]);
    const t3 = performance.now();
    this.log?.debug(
      {
        existing: existing.length,
        created: created.length,
        changed: changes.length,
        readMs: t1 - t0,
        writeMs: t2 - t1,
        ledgerMs: t3 - t2,
      },
      'exposures reconciled',
    );
    settle.push(() => this.publish(created, changed));
    const count = (k: string) => changed.filter((c) => c.kind === k).length;
    return {
      opened: created.length,
      reopened: count('reopened'),
      resolved: count('resolved'),
      updated: count('updated'),
      active,
    };
  }

  /** One event per organization and kind of change, so owners (and webhooks) hear of their exposures. */
  private publish(
    created: repo.NewExposure[],
    changed: {
      row: repo.ExposureRow;
      change: repo.ExposureChange;
      kind: 'reopened' | 'resolved' | 'updated';
    }[],
  ): void {
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
    for (const e of created)
      add('exposure.opened', e.orgId, {
        id: e.id,
        asset: e.assetId,
        advisory: e.advisoryId,
        kev: e.kev,
        priority: e.priority,
        due: e.due,
      });
    for (const { row, change, kind } of changed)
      add(`exposure.${kind}`, row.orgId, {
        id: row.id,
        asset: row.assetId,
        advisory: row.advisoryId,
        kev: change.kev,
        priority: change.priority,
        due: change.due,
        status: change.status,
      });
    for (const g of groups.values()) this.events.publish(g.topic, g.org, { exposures: g.exposures });
  }

  // ---- the queue ----------------------------------------------------------------------------------

  private async factsFor(rows: repo.ExposureRow[]): Promise<void> {
    // Another process (the CLI, another API node) may have written since this one loaded its facts.
    const missingAsset = rows.some((r) => !this.assets.has(r.assetId));
    const missingAdvisory = rows.some((r) => !this.advisories.has(r.advisoryId));
    if (missingAsset) for (const a of await assetRepo.listAssetFacts(this.db)) this.assets.set(a.id, a);
    if (missingAdvisory) {
      const ids = [
        ...new Set(rows.filter((r) => !this.advisories.has(r.advisoryId)).map((r) => r.advisoryId)),
      ];
      for (const f of await advisoryRepo.advisoryFacts(this.db, ids))
        this.advisories.set(f.id, advisoryRepo.toAdvisoryFacts(f));
    }
  }

  present(r: repo.ExposureRow): PresentedExposure {
    const score = r.severityScore === null ? null : Number(r.severityScore);
    return {
      id: r.id,
      org: r.orgId,
      asset: r.assetId,
      assetName: this.assets.get(r.assetId)?.name ?? '',
      advisory: r.advisoryId,
      aliases: this.advisories.get(r.advisoryId)?.aliases ?? [],
      ecosystem: r.ecosystem,
      package: r.package,
      version: r.version,
      purl: r.purl,
      severity: { score, rating: r.severityRating ?? 'unknown' },
      kev: r.kev,
      priority: r.priority,
      due: r.due,
      status: r.status,
      sector: r.sector,
      region: r.region,
      firstSeen: new Date(r.firstSeen).toISOString(),
      resolvedAt: r.resolvedAt ? new Date(r.resolvedAt).toISOString() : null,
      reopened: r.reopened,
      note: r.note,
      revision: r.versionNo,
    };
  }

  async list(
    actor: Actor,
    filter: Omit<repo.ExposureFilter, 'limit' | 'offset'> & { limit?: number; offset?: number },
  ): Promise<{ items: PresentedExposure[]; total: number }> {
    const { rows, total } = await repo.listExposures(
      this.db,
      (col, params) => visibleOrgsSql(actor, col, params),
      {
        ...filter,
        limit: filter.limit ?? 100,
        offset: filter.offset ?? 0,
      },
    );
    await this.factsFor(rows);
    return { items: rows.map((r) => this.present(r)), total };
  }

  async get(actor: Actor, id: string): Promise<PresentedExposure> {
    const { rows } = await repo.listExposures(this.db, (col, params) => visibleOrgsSql(actor, col, params), {
      ids: [id],
      limit: 1,
      offset: 0,
    });
    const row = rows.find((r) => r.id === id);
    if (!row) throw errors.notFound('The exposure');
    await this.factsFor([row]);
    return this.present(row);
  }

  async counts(actor: Actor): Promise<Record<string, number>> {
    return repo.countsByStatus(this.db, (col, params) => visibleOrgsSql(actor, col, params));
  }

  /** A person's decision on one or more exposures; each change is a new ledger version. */
  async setStatus(
    actor: Actor,
    ids: string[],
    status: ExposureStatus,
    note?: string,
  ): Promise<PresentedExposure[]> {
    if (!MANUAL_STATUSES.includes(status))
      throw errors.unprocessable(
        `Status '${status}' cannot be set by hand; exposures are resolved when the SBOM or the advisory no longer matches.`,
        [{ pointer: '/status', detail: `must be one of ${MANUAL_STATUSES.join(', ')}` }],
      );
    const unique = [...new Set(ids)];
    await this.ready();
    // Access is decided before the transaction: resolving an organization may read the database,
    // which on PGlite (one connection) would wait for the open transaction forever.
    const seen = new Map((await repo.findExposures(this.db, unique, false)).map((r) => [r.id, r]));
    for (const id of unique) {
      const row = seen.get(id);
      const org = row ? await this.orgRef(row.orgId) : undefined;
      if (!row || !org) throw errors.notFound(`The exposure ${id}`);
      assertCan(actor, 'write', org, `The exposure ${id}`);
    }
    const updated = await this.exclusive(() =>
      this.db.transaction(async (tx) => {
        const rows = await repo.findExposures(tx, unique, true);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const changes: { row: repo.ExposureRow; change: repo.ExposureChange }[] = [];
        for (const id of unique) {
          const row = byId.get(id);
          if (!row) throw errors.notFound(`The exposure ${id}`);
          if (row.status === 'resolved')
            throw errors.exposureResolved(
              `The exposure ${id} is resolved; it reopens by itself if the version comes back.`,
            );
          changes.push({
            row,
            change: {
              id,
              status,
              versionNo: row.versionNo + 1,
              priority: row.priority,
              due: row.due,
              kev: row.kev,
              severityScore: row.severityScore === null ? null : Number(row.severityScore),
              severityRating: row.severityRating,
              reopened: row.reopened,
              resolvedAt: null,
              note: note ?? row.note,
            },
          });
        }
        await repo.updateExposures(
          tx,
          changes.map((c) => c.change),
        );
        const now = new Date();
        await commitRecords(
          tx,
          changes.map(({ row, change }) => ({
            kind: 'exposure',
            id: row.id,
            version: change.versionNo,
            org: row.orgId,
            at: now,
            record: { ...ledgerRecord({ ...row, ...change }), by: actor.id },
          })),
        );
        return changes.map(({ row, change }) => ({
          ...row,
          status: change.status,
          versionNo: change.versionNo,
          note: change.note,
          updatedAt: now,
        }));
      }),
    );
    const byOrg = new Map<string, unknown[]>();
    for (const r of updated) {
      const list = byOrg.get(r.orgId) ?? [];
      byOrg.set(r.orgId, list);
      list.push({ id: r.id, asset: r.assetId, advisory: r.advisoryId, status: r.status });
    }
    for (const [org, exposures] of byOrg)
      this.events.publish('exposure.status_changed', org, { exposures, by: actor.id });
    await this.factsFor(updated);
    return updated.map((r) => this.present(r));
  }

  /** Asset facts as the engine knows them (other domains use them for presentations). */
  assetFacts(id: string): AssetFacts | undefined {
    return this.assets.get(id);
  }
}

/** The committed form of an exposure version: identity, state and ranking, nothing else. */
function ledgerRecord(e: {
  id: string;
  orgId: string;
  assetId: string;
  advisoryId: string;
  ecosystem: string;
  package: string;
  version: string;
  status: ExposureStatus;
  priority: number;
  due: string;
  kev: boolean;
  note: string | null;
}) {
  return {
    id: e.id,
    org: e.orgId,
    asset: e.assetId,
    advisory: e.advisoryId,
    ecosystem: e.ecosystem,
    package: e.package,
    version: e.version,
    status: e.status,
    priority: e.priority,
    due: e.due,
    kev: e.kev,
    note: e.note,
  };
}
