// The metrics service: imports indicator tables (reference data: publish-reference, each value
// committed to the ledger with its provenance), and answers the overview, the region page, the
// two-wings and digital-gap views. Informatization values come from the metrics tables; security
// figures from the domains' read-only figures (their index.ts), scoped by the access rule; a
// caller sees its own region and the regions below it.
import { createHash } from 'node:crypto';
import {
  type Actor,
  assertCanPublishReference,
  isRoot,
  type OrgRef,
  type ReferenceGrant,
} from '../access/index.ts';
import { criticalAssetFigures, criticalAssetsByOrg } from '../assets/index.ts';
import { systemActor } from '../orgs/index.ts';
import { indicatorActionFigures, type PublicReportCellKey, publicTriageTimes } from '../public/index.ts';
import { convert } from '../formats/index.ts';
import { commitRecord, commitRecords, type LedgerStatus } from '../ledger/index.ts';
import type { Database } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/log.ts';
import { CellKeeper, type CellKeeperOptions } from './cells.ts';
import { INFORMATIZATION_INDICATORS, SECURITY_INDICATORS } from './catalogue.ts';
import {
  type Cells,
  compositeIndex,
  incidentsByMonthAndGrade,
  percentileOfCounts,
  reportsFromHistogram,
  type SecurityFigures,
  securityFigures,
  suppressedCount,
  suppressSmall,
} from './figures.ts';
import { convertIndicators, type ImportFormat, type ImportOptions } from './import/convert.ts';
import { convertGeometry, GEOMETRY_MAX_BYTES } from './import/geometry.ts';
import { type IndicatorDefinition, inRegion, type Observation, parentCode, type Region } from './model.ts';
import * as repo from './repo.ts';
import type { IndicatorValue, RegionRow } from './schema.ts';
import { ratio, rollUp } from './rollup.ts';

const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export type { IndicatorValue, RegionRow };

/** What the drill-down needs of the orgs domain: its list, scoped by the shared access rule. */
export interface MetricsOrgs {
  listOrgs(
    actor: Actor,
  ): Promise<{ id: string; name: string; kind: string; region: string; sector: string | null }[]>;
  /** The federation's root (the operations cells are kept for every organization below it). */
  root(): Promise<OrgRef | undefined>;
  orgRef(id: string): Promise<OrgRef | undefined>;
}

/** What the health figures need of the ledger: its status. */
export interface MetricsLedger {
  status(): Promise<LedgerStatus>;
}

/** Bins of time to report, in hours: finer near the usual limits (4, 24, 72 hours, a month). */
const TIME_BINS = [0, 1, 2, 4, 8, 12, 24, 48, 72, 96, 168, 336, 720];
function timeBin(hours: number): number {
  let b = 0;
  for (const t of TIME_BINS) if (hours > t) b = t;
  return b;
}
function nextBin(from: number): number | null {
  return TIME_BINS.find((t) => t > from) ?? null;
}

/** The security figures a map tile carries. */
const TILE_SECURITY = [
  'open-critical-high-per-100-critical-assets',
  'kev-past-due',
  'incidents',
  'reports-on-time',
  'public-reports-per-100k',
];

const KEV_AGE_BANDS = [
  { label: '1–7 days', from: 1, to: 8 },
  { label: '8–30 days', from: 8, to: 31 },
  { label: '31–90 days', from: 31, to: 91 },
  { label: 'over 90 days', from: 91, to: null },
] as const;

function month(d: Date, back = 0): string {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1));
  return x.toISOString().slice(0, 7);
}

/** Regions, indicator definitions and observations as of one reference generation (an import bumps it). */
interface Reference {
  generation: string | null;
  regions: Region[];
  indicators: (IndicatorDefinition & { demo: boolean })[];
  observations: repo.StoredObservation[];
}

export class MetricsService {
  /** The roll-up cells the security figures are read from, kept from the domains' events. */
  readonly cellKeeper: CellKeeper;
  /**
   * The reference data, kept between requests: it changes only on an import, which bumps its
   * generation (in any process); every page reads the generation with its cells and reloads this
   * when it differs.
   */
  private reference: Promise<Reference> | undefined;

  constructor(
    private readonly db: Database,
    private readonly opts: {
      publishers: readonly ReferenceGrant[];
      clock?: () => Date;
      events?: EventBus;
      log?: Logger;
      cells?: CellKeeperOptions;
      /** The organizations the caller may see (the orgs domain, scoped by the shared access rule). */
      orgs?: MetricsOrgs;
      /** The ledger's status (checkpoint, witnesses' cosignatures), for its health figures. */
      ledger?: MetricsLedger;
    },
  ) {
    this.cellKeeper = new CellKeeper(db, {
      log: opts.log,
      operations: (parts) => this.operationsCells(parts),
      ...opts.cells,
    });
    if (opts.events) this.cellKeeper.listen(opts.events);
  }

  private now(): Date {
    return this.opts.clock?.() ?? new Date();
  }

  /** Imports an indicator file: definitions, then values, each committed to the ledger. */
  async importIndicators(
    actor: Actor,
    format: ImportFormat,
    input: Uint8Array | string,
    opts: ImportOptions & { demo?: boolean },
  ): Promise<{ format: ImportFormat; indicators: number; observations: number }> {
    assertCanPublishReference(actor, this.opts.publishers);
    const parsed = convert(MAX_IMPORT_BYTES, () =>
      convertIndicators(format, input, { ...opts, maxBytes: MAX_IMPORT_BYTES }),
    );
    await this.storeObservations(actor, parsed.indicators, parsed.observations, opts.demo ?? false);
    return { format, indicators: parsed.indicators.length, observations: parsed.observations.length };
  }

  async storeObservations(
    actor: Actor,
    defs: readonly IndicatorDefinition[],
    obs: readonly Observation[],
    demo: boolean,
  ): Promise<void> {
    assertCanPublishReference(actor, this.opts.publishers);
    await this.db.transaction(async (tx) => {
      await repo.upsertIndicators(tx, defs, demo);
      for (let i = 0; i < obs.length; i += 500) {
        const part = obs.slice(i, i + 500);
        const versions = await repo.upsertObservations(tx, part, demo);
        await commitRecords(
          tx,
          part.map((o, k) => ({
            kind: 'indicator-observation',
            id: `${o.indicator}/${o.region}/${o.period}`,
            version: versions[k]!,
            org: actor.org.id,
            record: o,
          })),
        );
      }
    });
    this.reference = undefined;
  }

  /**
   * Imports the operator's region geometry (a GeoJSON FeatureCollection, one polygon per region
   * code): validated as a whole and refused naming the feature (nothing stored), every code a region
   * of the federation; it replaces any earlier file, and its digest is committed to the ledger.
   */
  async importGeometry(
    actor: Actor,
    input: Uint8Array | string,
    opts: { file: string; source: string; licence: string; property?: string; demo?: boolean },
  ): Promise<{ regions: number; sha256: string; entrySeq: number }> {
    assertCanPublishReference(actor, this.opts.publishers);
    const features = convert(GEOMETRY_MAX_BYTES, () =>
      convertGeometry(input, { file: opts.file, property: opts.property }),
    );
    const reference = await this.referenceAt();
    const known = new Set(reference.regions.map((r) => r.code));
    const root = await this.opts.orgs?.root();
    if (root) for (const o of await this.opts.orgs!.listOrgs(systemActor(root))) known.add(o.region);
    const unknown = features.filter((f) => !known.has(f.region)).map((f) => f.region);
    if (unknown.length)
      throw errors.unprocessable(
        `${opts.file}: ${unknown.length === 1 ? 'region' : 'regions'} ${unknown.slice(0, 10).join(', ')}${
          unknown.length > 10 ? ' …' : ''
        } not in the federation (neither a metrics region nor an organization's region); nothing was stored`,
      );
    const sha256 = createHash('sha256')
      .update(typeof input === 'string' ? Buffer.from(input) : input)
      .digest('hex');
    const meta = {
      source: opts.source,
      licence: opts.licence,
      file: opts.file,
      sha256,
      demo: opts.demo ?? false,
    };
    const entrySeq = await this.db.transaction(async (tx) => {
      const version = await repo.replaceGeometry(tx, features, meta);
      const { entrySeq } = await commitRecord(tx, {
        kind: 'region-geometry',
        id: 'region-geometry',
        version,
        org: actor.org.id,
        record: { ...meta, regions: features.map((f) => f.region) },
      });
      return entrySeq;
    });
    this.reference = undefined;
    return { regions: features.length, sha256, entrySeq };
  }

  async storeRegions(actor: Actor, regions: readonly Region[], demo: boolean): Promise<void> {
    assertCanPublishReference(actor, this.opts.publishers);
    await this.db.transaction((tx) => repo.upsertRegions(tx, regions, demo));
    this.reference = undefined;
  }

  /** The region a caller looks from: its organization's region (the whole federation for the root). */
  scopeOf(actor: Actor): string {
    return actor.org.region;
  }

  private assertInScope(actor: Actor, code: string): void {
    if (!inRegion(this.scopeOf(actor), code)) throw errors.notFound('The region');
  }

  /**
   * Every figure of the caller's view (a region's subtree when given), once per request: from the
   * roll-up cells the caller may see (the access rule on each cell's organization), except the
   * critical assets, which publish no event and are counted on request.
   */
  private async cells(actor: Actor, region?: string): Promise<Cells & { reference: Reference }> {
    await this.cellKeeper.ready();
    const now = this.now();
    const since = month(now, 11);
    // Two round trips: the assets domain's count, and every cell with the reference generation in
    // one statement (side by side on PostgreSQL's pool; PGlite queues them).
    const [assets, view] = await Promise.all([
      criticalAssetFigures(this.db, actor, region),
      repo.viewCells(this.db, actor, {
        today: now.toISOString().slice(0, 10),
        sinceMonth: since,
        now,
        region,
        // Public reports belong to the centre: an organization sees the counts of its region and below.
        publicRegion: region ?? actor.org.region,
        withoutRegion: actor.org.kind === 'coordination-centre' && !region,
      }),
    ]);
    const { exposures, incidents, reports: histogram, overdue, publicReports } = view;
    const reference = await this.referenceAt(view.referenceGeneration);
    const reports = reportsFromHistogram(histogram);
    // Late obligations: reports filed late, and those past their deadline still unfiled.
    const lateness = [
      ...histogram
        .filter((h) => h.lateHours !== null)
        .map((h) => ({ region: h.region, sector: h.sector, lateHours: h.lateHours!, n: h.reports })),
      ...overdue,
    ];
    return {
      assets,
      exposures,
      incidents,
      reports,
      overdueObligations: overdue,
      publicReports,
      lateness,
      reference,
    };
  }

  /** The reference data at `generation` (read with the cells): the cached copy unless an import bumped it. */
  private async referenceAt(generation?: string | null): Promise<Reference> {
    const g = generation === undefined ? await repo.referenceGeneration(this.db) : generation;
    const cached = await this.reference?.catch(() => undefined);
    if (cached && cached.generation === g) return cached;
    const loading = repo.referenceData(this.db);
    this.reference = loading;
    return loading;
  }

  /** The regions of the caller's scope: the metrics table, plus codes seen in the figures. */
  private regionsOf(actor: Actor, cells: Cells, reference: Reference): Map<string, Region> {
    const scope = this.scopeOf(actor);
    // Copies: the populations below are filled in per request, the cache stays as stored.
    const regions = new Map(
      reference.regions.filter((r) => inRegion(scope, r.code)).map((r) => [r.code, { ...r }]),
    );
    const seen = [...cells.assets, ...cells.exposures, ...cells.incidents, ...cells.reports].map(
      (c) => c.region,
    );
    for (const code of [scope, ...seen]) {
      if (!inRegion(scope, code)) continue;
      for (let c: string | null = code; c && inRegion(scope, c) && !regions.has(c); c = parentCode(c))
        regions.set(c, {
          code: c,
          parent: parentCode(c),
          name: c,
          level: c.split('-').length - 1,
          settlement: null,
          population: null,
        });
    }
    // A province without its own population counts the population of its cities.
    const population = (code: string): number | null => {
      const r = regions.get(code)!;
      if (r.population !== null) return r.population;
      const below = [...regions.values()].filter((c) => c.parent === code).map((c) => population(c.code));
      const known = below.filter((p): p is number => p !== null);
      r.population = known.length ? known.reduce((a, b) => a + b, 0) : null;
      return r.population;
    };
    for (const code of regions.keys()) population(code);
    return regions;
  }

  /** A row with its figures before small counts are suppressed (the caller suppresses them). */
  private row(
    cells: Cells,
    r: Region,
    thisMonth: string,
    lastMonth: string,
  ): RegionRow & { security: SecurityFigures } {
    return {
      code: r.code,
      name: r.name,
      level: r.level,
      population: r.population,
      security: securityFigures(cells, r.code, { population: r.population, thisMonth, lastMonth }),
    };
  }

  /** The signed-in home: what needs attention, trends and the regions one level down. */
  async overview(actor: Actor) {
    const now = this.now();
    const cells = await this.cells(actor);
    const regions = this.regionsOf(actor, cells, cells.reference);
    const scope = this.scopeOf(actor);
    const [thisMonth, lastMonth] = [month(now), month(now, 1)];
    const self = regions.get(scope)!;
    const total = securityFigures(cells, scope, { population: self.population, thisMonth, lastMonth });
    const children = [...regions.values()].filter((r) => r.parent === scope);
    const months = Array.from({ length: 12 }, (_, i) => month(now, 11 - i));
    const incidentsByMonth = incidentsByMonthAndGrade(cells.incidents, months, scope);
    const publicByMonth = months.map((m) => ({
      month: m,
      reports: cells.publicReports
        .filter((c) => c.month === m && c.region !== null && inRegion(scope, c.region))
        .reduce((s, c) => s + c.reports, 0),
    }));
    const attention = [
      {
        key: 'overdue-incidents',
        label: 'Incidents with an overdue statutory report',
        count: total.overdueIncidents,
        link: '/incidents?overdue=true',
      },
      {
        key: 'kev-past-due',
        label: 'Known-exploited exposures past due',
        count: total.kevPastDue,
        link: '/exposures?kev=true',
      },
      {
        key: 'major-incidents',
        label: 'Major incidents (12 months)',
        count: total.majorIncidents,
        link: '/incidents',
      },
      ...(isRoot(actor.org)
        ? [
            {
              key: 'triage-backlog',
              label: 'Public reports awaiting triage',
              count: total.awaitingTriage ?? 0,
              link: '/public/triage',
            },
          ]
        : []),
    ];
    return {
      scope: { code: scope, name: self.name, level: self.level, org: actor.org.id },
      generatedAt: now.toISOString(),
      period: { thisMonth, lastMonth },
      attention,
      totals: total,
      operations: await this.operations(actor, now),
      trends: { incidentsByMonth, publicByMonth },
      regions: children.map((r) => {
        const row = this.row(cells, r, thisMonth, lastMonth);
        // Public reports of a sub-region could point at a reporter when few.
        return { ...row, security: suppressSmall(row.security) };
      }),
    };
  }

  /**
   * How the centre and the operators keep up, over 12 months: time from a public report's receipt
   * to its first decision (median and p90, whole hours), the share of indicators promoted from
   * public reports that the caller's organizations answered, and the ledger's health (checkpoint
   * age, entries waiting, each witness's cosignature lag). Counted on request: they are a few rows
   * (decided reports by hour, promoted indicators), not the cells' millions.
   */
  private async operations(actor: Actor, now: Date) {
    const since = new Date(`${month(now, 11)}-01T00:00:00Z`);
    const scope = this.scopeOf(actor);
    const [triage, actions, ledger] = await Promise.all([
      publicTriageTimes(this.db, scope, since, actor.org.kind === 'coordination-centre'),
      indicatorActionFigures(this.db, actor, since),
      this.opts.ledger?.status() ?? Promise.resolve(null),
    ]);
    const times = triage.map((t) => [t.hours, t.reports] as const);
    return {
      timeToTriage: {
        triaged: times.reduce((n, [, c]) => n + c, 0),
        medianHours: percentileOfCounts(times, 0.5),
        p90Hours: percentileOfCounts(times, 0.9),
      },
      operatorActions: {
        promoted: actions.promoted,
        answered: actions.answered,
        blockedOrTakenDown: actions.blockedOrTakenDown,
        answeredPercent: ratio(actions.answered, actions.promoted, 100),
      },
      ledger: ledger && {
        treeSize: ledger.treeSize,
        pending: ledger.pending,
        checkpointAt: ledger.publishedAt,
        checkpointAgeSeconds: Math.max(
          0,
          Math.round((now.getTime() - Date.parse(ledger.publishedAt)) / 1000),
        ),
        witnesses: ledger.witnesses.map((w) => ({
          name: w.name,
          lastCosignedSize: w.lastCosignedSize,
          lastCosignedAt: w.lastCosignedAt,
          // Entries of the latest checkpoint the witness has not cosigned (all of them when never).
          lagEntries: ledger.treeSize - (w.lastCosignedSize ?? 0),
          lagSeconds:
            w.lastCosignedAt === null
              ? null
              : Math.max(0, Math.round((now.getTime() - Date.parse(w.lastCosignedAt)) / 1000)),
        })),
      },
    };
  }

  /**
   * The operations figures kept in cells for the BI views (migration 0821): triage times of every
   * public report (the centre's view), each organization's operator action rate as the console
   * shows it, and the ledger's status. `only`: the triage cells of those keys alone (public reports
   * filed or decided there).
   */
  private async operationsCells(only?: readonly PublicReportCellKey[]): Promise<repo.OperationsCells> {
    const orgs = this.opts.orgs;
    const root = await orgs?.root();
    if (!orgs || !root) return {};
    const now = this.now();
    const since = new Date(`${month(now, 11)}-01T00:00:00Z`);
    if (only) {
      const triage: NonNullable<repo.OperationsCells['triage']> = [];
      for (const k of only) {
        const rows = await publicTriageTimes(
          this.db,
          k.region ?? root.region,
          new Date(`${k.month}-01T00:00:00Z`),
          k.region === null,
        );
        triage.push(...rows.filter((r) => r.region === k.region && r.month === k.month));
      }
      return { triage, triageOnly: only };
    }
    const triage = await publicTriageTimes(this.db, root.region, since, true);
    // Every role: the listing is the whole federation's (each row then reads as its own organization).
    const system = systemActor(root);
    const actions: NonNullable<repo.OperationsCells['actions']> = [];
    for (const o of await orgs.listOrgs(system)) {
      const org = await orgs.orgRef(o.id);
      if (!org) continue;
      const a = await indicatorActionFigures(this.db, { ...system, org }, since);
      actions.push({ org: org.id, since: since.toISOString().slice(0, 10), ...a });
    }
    const status = await this.opts.ledger?.status();
    const ledger: NonNullable<repo.OperationsCells['ledger']> = status
      ? [
          {
            witness: null,
            treeSize: status.treeSize,
            pending: status.pending,
            checkpointAt: status.publishedAt,
            lastCosignedSize: null,
            lastCosignedAt: null,
          },
          ...status.witnesses.map((w) => ({
            witness: w.name,
            treeSize: status.treeSize,
            pending: status.pending,
            checkpointAt: status.publishedAt,
            lastCosignedSize: w.lastCosignedSize,
            lastCosignedAt: w.lastCosignedAt,
          })),
        ]
      : [];
    return { triage, actions, ledger };
  }

  /** One region: its figures, by sector, its indicators with provenance, the regions below. */
  async regionPage(actor: Actor, code: string) {
    this.assertInScope(actor, code);
    const now = this.now();
    // Only the region's own cells: a page reads a subtree, not the caller's whole view.
    const cells = await this.cells(actor, code);
    const regions = this.regionsOf(actor, cells, cells.reference);
    const region = regions.get(code);
    if (!region) throw errors.notFound('The region');
    const [thisMonth, lastMonth] = [month(now), month(now, 1)];
    const sectors = new Set<string | null>(
      [...cells.assets, ...cells.exposures, ...cells.incidents, ...cells.reports]
        .filter((c) => inRegion(code, c.region))
        .map((c) => c.sector),
    );
    return {
      region: {
        code: region.code,
        name: region.name,
        level: region.level,
        parent: region.parent,
        population: region.population,
        settlement: region.settlement,
      },
      generatedAt: now.toISOString(),
      security: securityFigures(cells, code, { population: region.population, thisMonth, lastMonth }),
      bySector: [...sectors].map((sector) => ({
        sector,
        ...suppressSmall(securityFigures(cells, code, { sector, population: null, thisMonth, lastMonth })),
      })),
      indicators: this.latestValues(cells.reference, regions, code),
      children: [...regions.values()]
        .filter((r) => r.parent === code)
        .map((r) => {
          const row = this.row(cells, r, thisMonth, lastMonth);
          return { ...row, security: suppressSmall(row.security) };
        }),
    };
  }

  /**
   * The drill-down from a region (and a sector) to its organizations: every organization the caller
   * may see (the shared access rule, through the orgs domain) whose region is in the subtree, with
   * its figures from the cells (which the same rule scopes). Counts are whole: the caller may open
   * these organizations' records anyway. The one ratio over a small denominator (open critical/high
   * per 100 critical assets, over 1–4 critical assets) is suppressed by the small-cell rule.
   */
  async regionOrganizations(actor: Actor, code: string, sector?: string) {
    this.assertInScope(actor, code);
    if (!this.opts.orgs)
      throw new Error('MetricsService: orgs not connected (the composition root wires it)');
    await this.cellKeeper.ready();
    const now = this.now();
    const since = month(now, 11);
    const [orgs, figures, assets] = await Promise.all([
      this.opts.orgs.listOrgs(actor),
      repo.orgFigures(this.db, actor, { region: code, sector, sinceMonth: since, now }),
      criticalAssetsByOrg(this.db, actor, code, sector),
    ]);
    const byOrg = new Map(figures.map((f) => [f.org, f]));
    const assetsOf = new Map(assets.map((a) => [a.org, a.criticalAssets]));
    const rows = orgs
      .filter((o) => inRegion(code, o.region) && (sector === undefined || o.sector === sector))
      // Authorities hold no records of their own: listed when they have figures, operators always.
      .filter((o) => o.kind === 'operator' || byOrg.has(o.id))
      .map((o) => {
        const f = byOrg.get(o.id);
        const due = (f?.reportsFiled ?? 0) + (f?.overdueObligations ?? 0);
        // The security indicator per organization. Its denominator follows the small-cell rule: a
        // ratio over 1–4 critical assets would say which of them are exposed, so both are left out.
        const critical = assetsOf.get(o.id) ?? 0;
        const shown = suppressedCount(critical);
        return {
          id: o.id,
          name: o.name,
          kind: o.kind,
          region: o.region,
          sector: o.sector,
          openCriticalHigh: f?.openCriticalHigh ?? 0,
          criticalAssets: shown,
          openCriticalHighPer100CriticalAssets:
            shown === null ? null : ratio(f?.openCriticalHigh ?? 0, critical, 100),
          kevPastDue: f?.kevPastDue ?? 0,
          incidents: f?.incidents ?? 0,
          majorIncidents: f?.majorIncidents ?? 0,
          overdueIncidents: f?.overdueIncidents ?? 0,
          reportsDue: due,
          reportsOnTime: f?.reportsOnTime ?? 0,
          reportsOnTimePercent: ratio(f?.reportsOnTime ?? 0, due, 100),
          suppressed: shown === null ? ['criticalAssets', 'openCriticalHighPer100CriticalAssets'] : [],
        };
      })
      .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name));
    return {
      region: code,
      sector: sector ?? null,
      since,
      generatedAt: now.toISOString(),
      organizations: rows,
    };
  }

  /** Definitions with every value of the caller's scope, each with its provenance. */
  async indicators(actor: Actor, filter: { indicator?: string; region?: string } = {}) {
    const scope = filter.region ?? this.scopeOf(actor);
    this.assertInScope(actor, scope);
    const defs = await repo.indicators(this.db);
    const obs = await repo.observationsIn(this.db, scope, filter.indicator);
    return {
      indicators: defs.filter((d) => !filter.indicator || d.code === filter.indicator),
      values: obs.map((o) => ({ ...o, rolledUp: false })),
    };
  }

  /** Every indicator's latest value for `code`, observed or rolled up from the regions below. */
  private latestValues(reference: Reference, regions: Map<string, Region>, code: string): IndicatorValue[] {
    const defs = reference.indicators;
    const obs = reference.observations.filter((o) => inRegion(code, o.region));
    const out: IndicatorValue[] = [];
    for (const d of defs) {
      const mine = obs.filter((o) => o.indicator === d.code);
      if (mine.length === 0) continue;
      const latest = mine
        .map((o) => o.period)
        .sort()
        .at(-1)!;
      const v = this.valueAt(
        d,
        mine.filter((o) => o.period === latest),
        regions,
        code,
      );
      if (v) out.push(v);
    }
    return out;
  }

  /** The value of `d` in `code` for one period: observed, else rolled up by the definition's aggregation. */
  private valueAt(
    d: IndicatorDefinition,
    obs: readonly (Observation & { demo: boolean })[],
    regions: Map<string, Region>,
    code: string,
  ): IndicatorValue | null {
    const own = obs.find((o) => o.region === code);
    if (own) return { ...own, rolledUp: false };
    const children = [...regions.values()].filter((r) => r.parent === code);
    const parts = children
      .map((c) => ({ c, v: this.valueAt(d, obs, regions, c.code) }))
      .filter((x): x is { c: Region; v: IndicatorValue } => x.v !== null);
    if (parts.length === 0) return null;
    const r = rollUp(
      d.aggregation,
      d.scale,
      parts.map(({ c, v }) => ({ ...v, population: c.population })),
    );
    const first = parts[0]!.v;
    return {
      indicator: d.code,
      region: code,
      period: first.period,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      estimate: r.estimate || parts.length < children.length,
      provisional: parts.some((p) => p.v.provisional),
      break: parts.some((p) => p.v.break),
      rolledUp: true,
      vintage: first.vintage,
      source: [...new Set(parts.map((p) => p.v.source))].join('; '),
      licence: [...new Set(parts.map((p) => p.v.licence))].join('; '),
      demo: parts.every((p) => p.v.demo),
      provenance: { rolledUpFrom: parts.map((p) => p.c.code), aggregation: d.aggregation },
    };
  }

  /**
   * A read-only database role for a BI tool (PostgreSQL): it sees the views of schema metrics_bi,
   * limited by row-level security to what `org` may see (the access rule), and can write nothing.
   * The local administrator only (the command line): it creates a database login.
   */
  async grantBiRole(
    actor: Actor,
    org: string,
    role: string,
    password?: string,
  ): Promise<{ role: string; org: string; version: number; views: string[]; entrySeq: number }> {
    if (!actor.local) throw errors.forbidden('Only the local administrator creates database roles.');
    if (this.db.dialect !== 'postgres')
      throw errors.badRequest(
        'BI roles need PostgreSQL: on the embedded database the views exist without roles.',
      );
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role))
      throw errors.validation('The role name is 1–63 lower-case letters, digits or underscores.', [
        { pointer: '/role', detail: 'lower-case letters, digits and underscores, not starting with a digit' },
      ]);
    // The role, its mapping and its ledger commitment in one transaction: a role exists only
    // with the entry that says who made it, when, and what it may read (never its password).
    return this.db.transaction(async (tx) => {
      await repo.createBiRole(tx, role, password ?? null);
      const views = await repo.biViews(tx);
      const grantedAt = this.now().toISOString();
      const grantedBy = `${actor.subject}:${actor.id} (${actor.name})`;
      const version = await repo.mapBiRole(tx, { role, org, grantedBy, grantedAt, views });
      const { entrySeq } = await commitRecord(tx, {
        kind: 'metrics-bi-role',
        id: role,
        version,
        org: actor.org.id,
        record: { role, org, views, grantedBy, grantedAt, readOnly: true, password: password !== undefined },
      });
      await repo.setBiRoleEntry(tx, role, entrySeq);
      return { role, org, version, views, entrySeq };
    });
  }

  /**
   * Deadlines: per stage, the distribution of time to report (whole hours from awareness) with the
   * legal limit; incidents by month and grade (drills apart); KEV exposures past due by age.
   * Counts of 1–4 in a breakdown are suppressed below the caller's own level.
   */
  async deadlines(actor: Actor) {
    await this.cellKeeper.ready();
    const now = this.now();
    const since = month(now, 11);
    const hist = await repo.reportCells(this.db, actor, since);
    const stages = new Map<
      string,
      {
        limits: Map<number, number>;
        bins: Map<number, number>;
        onTime: number;
        total: number;
        overdueNotFiled: number;
      }
    >();
    const stageOf = (stage: string) => {
      let st = stages.get(stage);
      if (!st) {
        st = { limits: new Map(), bins: new Map(), onTime: 0, total: 0, overdueNotFiled: 0 };
        stages.set(stage, st);
      }
      return st;
    };
    for (const h of hist) {
      const st = stageOf(h.stage);
      st.limits.set(h.limitHours, (st.limits.get(h.limitHours) ?? 0) + h.reports);
      const bin = timeBin(h.hoursToReport);
      st.bins.set(bin, (st.bins.get(bin) ?? 0) + h.reports);
      st.total += h.reports;
      if (h.lateHours === null) st.onTime += h.reports;
    }
    const overdue = await repo.overdueLateness(this.db, actor, since, now);
    // Every missed stage of an incident is late under its own stage.
    for (const o of overdue) stageOf(o.stage).overdueNotFiled += o.n;
    const lateFiled = hist.filter((h) => h.lateHours !== null);
    const p90 = percentileOfCounts(
      [
        ...lateFiled.map((h) => [h.lateHours!, h.reports] as const),
        ...overdue.map((o) => [o.lateHours, o.n] as const),
      ],
      0.9,
    );
    const months = Array.from({ length: 12 }, (_, i) => month(now, 11 - i));
    const inc = await repo.incidentCells(this.db, actor, since, now);
    const byMonth = incidentsByMonthAndGrade(inc, months, this.scopeOf(actor));
    const ages = await repo.kevAgeing(this.db, actor, now.toISOString().slice(0, 10));
    return {
      scope: this.scopeOf(actor),
      generatedAt: now.toISOString(),
      since,
      timeToReport: [...stages].map(([stage, st]) => {
        // The legal limit most reports of the stage had (the regimes may differ by grade).
        const limit = [...st.limits].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
        return {
          stage,
          limitHours: limit,
          reports: st.total,
          onTime: st.onTime,
          overdueNotFiled: st.overdueNotFiled,
          bins: [...st.bins]
            .sort((a, b) => a[0] - b[0])
            .map(([fromHours, reports]) => ({
              fromHours,
              toHours: nextBin(fromHours),
              reports: suppressedCount(reports),
            })),
        };
      }),
      lateness: {
        filedLate: lateFiled.reduce((n, h) => n + h.reports, 0),
        overdueNotFiled: overdue.reduce((n, o) => n + o.n, 0),
        p90LateHours: p90,
      },
      incidentsByMonth: byMonth,
      kevAgeing: KEV_AGE_BANDS.map((b) => ({
        band: b.label,
        fromDays: b.from,
        toDays: b.to,
        exposures: suppressedCount(
          ages
            .filter((a) => a.days >= b.from && (b.to === null || a.days < b.to))
            .reduce((s, a) => s + a.n, 0),
        ),
      })),
      suppression:
        'Counts of 1–4 in a breakdown are shown as null (< 5): they could identify an organization or a reporter.',
    };
  }

  /**
   * The region map as an equal-area tile grid: every region one level below the caller's gets one
   * tile of the same size (no boundaries, no area bias), laid out in code order in a near-square
   * grid; each tile carries the security figures (small counts suppressed) and the latest value
   * of every informatization indicator, for small multiples and quantile classes in the console.
   */
  async tileMap(actor: Actor) {
    const now = this.now();
    const cells = await this.cells(actor);
    const regions = this.regionsOf(actor, cells, cells.reference);
    const scope = this.scopeOf(actor);
    const [thisMonth, lastMonth] = [month(now), month(now, 1)];
    const children = [...regions.values()]
      .filter((r) => r.parent === scope)
      .sort((a, b) => a.code.localeCompare(b.code));
    const columns = Math.max(1, Math.ceil(Math.sqrt(children.length)));
    const defs = cells.reference.indicators;
    const used = new Set<string>();
    const tiles: {
      code: string;
      name: string;
      population: number | null;
      col: number;
      row: number;
      values: Record<string, number | null>;
      suppressed: string[];
      provenance: Record<string, { period: string; source: string; licence: string; estimate: boolean }>;
    }[] = [];
    for (const [i, r] of children.entries()) {
      const s = suppressSmall(
        securityFigures(cells, r.code, { population: r.population, thisMonth, lastMonth }),
      );
      // The order of TILE_SECURITY.
      const values: Record<string, number | null> = {
        'open-critical-high-per-100-critical-assets': s.openCriticalHighPer100CriticalAssets,
        'kev-past-due': s.kevPastDue,
        incidents: s.incidents,
        'reports-on-time': s.reportsOnTimePercent,
        'public-reports-per-100k': s.publicReportsPer100k,
      };
      const provenance: Record<
        string,
        { period: string; source: string; licence: string; estimate: boolean }
      > = {};
      for (const v of this.latestValues(cells.reference, regions, r.code)) {
        values[v.indicator] = v.value;
        provenance[v.indicator] = {
          period: v.period,
          source: v.source,
          licence: v.licence,
          estimate: v.estimate,
        };
        used.add(v.indicator);
      }
      tiles.push({
        code: r.code,
        name: r.name,
        population: r.population,
        col: i % columns,
        row: Math.floor(i / columns),
        values,
        suppressed: s.suppressed,
        provenance,
      });
    }
    const security = SECURITY_INDICATORS.filter((d) => TILE_SECURITY.includes(d.code));
    const info = defs.filter((d) => used.has(d.code));
    // The operator's geometry of these tiles' regions only: a regional authority gets its subtree's.
    const shapes = await repo.geometryOf(
      this.db,
      children.map((c) => c.code),
    );
    const first = shapes[0];
    return {
      scope,
      generatedAt: now.toISOString(),
      layout: `Equal-area tile grid, ${columns} columns, regions in code order`,
      geometry: first
        ? {
            source: first.source,
            licence: first.licence,
            file: first.file,
            sha256: first.sha256,
            importedAt: first.importedAt,
            demo: first.demo,
            regions: shapes.length,
            featureCollection: {
              type: 'FeatureCollection' as const,
              features: shapes.map((g) => ({
                type: 'Feature' as const,
                properties: { region: g.region },
                geometry: g.geometry,
              })),
            },
          }
        : null,
      indicators: [...security, ...info].map((d) => ({
        code: d.code,
        name: d.name,
        unit: d.unit,
        direction: d.direction,
        source: d.source,
        licence: d.licence,
      })),
      tiles,
    };
  }

  /** Two wings: per region below the scope, an informatization index against a security index. */
  async twoWings(actor: Actor, weights: Record<string, number> = {}) {
    const now = this.now();
    const cells = await this.cells(actor);
    const regions = this.regionsOf(actor, cells, cells.reference);
    const scope = this.scopeOf(actor);
    const [thisMonth, lastMonth] = [month(now), month(now, 1)];
    const children = [...regions.values()].filter((r) => r.parent === scope);
    const rows: Record<string, number | null>[] = [];
    for (const r of children) {
      const values = this.latestValues(cells.reference, regions, r.code);
      const s = securityFigures(cells, r.code, { population: r.population, thisMonth, lastMonth });
      const row: Record<string, number | null> = {};
      for (const v of values) row[v.indicator] = v.value;
      row['open-critical-high-per-100-critical-assets'] = s.openCriticalHighPer100CriticalAssets;
      row['kev-past-due'] = s.kevPastDue;
      row['reports-on-time'] = s.reportsOnTimePercent;
      rows.push(row);
    }
    const info = INFORMATIZATION_INDICATORS.map((d) => ({
      key: d.code,
      lowerIsBetter: false,
      weight: weights[d.code] ?? 1,
    }));
    const sec = SECURITY_INDICATORS.filter((d) =>
      ['open-critical-high-per-100-critical-assets', 'kev-past-due', 'reports-on-time'].includes(d.code),
    ).map((d) => ({
      key: d.code,
      lowerIsBetter: d.direction === 'lower-is-better',
      weight: weights[d.code] ?? 1,
    }));
    const infoIndex = compositeIndex(rows, info);
    const secIndex = compositeIndex(rows, sec);
    return {
      scope,
      definitions: {
        informatization: info.map((p) => ({ indicator: p.key, weight: p.weight, higherIsBetter: true })),
        security: sec.map((p) => ({ indicator: p.key, weight: p.weight, higherIsBetter: !p.lowerIsBetter })),
        method:
          'Each indicator is scaled 0–100 between the lowest and highest region shown (turned where lower is better); an index is the weighted mean of the scaled indicators a region has.',
      },
      regions: children.map((r, i) => ({
        code: r.code,
        name: r.name,
        population: r.population,
        informatizationIndex: infoIndex[i] ?? null,
        securityIndex: secIndex[i] ?? null,
      })),
    };
  }

  /** The digital gap: urban against rural Internet use per region below the scope, and over time. */
  async digitalGap(actor: Actor) {
    const scope = this.scopeOf(actor);
    const reference = await this.referenceAt();
    const cells: Cells = {
      assets: [],
      exposures: [],
      incidents: [],
      reports: [],
      overdueObligations: [],
      publicReports: [],
    };
    const regions = this.regionsOf(actor, cells, reference);
    const defs = new Map(reference.indicators.map((d) => [d.code, d]));
    const urbanDef = defs.get('internet-users-urban');
    const ruralDef = defs.get('internet-users-rural');
    const all = reference.observations.filter((o) => inRegion(scope, o.region));
    const urban = all.filter((o) => o.indicator === 'internet-users-urban');
    const rural = all.filter((o) => o.indicator === 'internet-users-rural');
    const periods = [...new Set([...urban, ...rural].map((o) => o.period))].sort();
    const targets = [...regions.values()].filter((r) => r.parent === scope || r.code === scope);
    const at = (r: Region, p: string) => {
      const u = urbanDef
        ? this.valueAt(
            urbanDef,
            urban.filter((o) => o.period === p),
            regions,
            r.code,
          )
        : null;
      const ru = ruralDef
        ? this.valueAt(
            ruralDef,
            rural.filter((o) => o.period === p),
            regions,
            r.code,
          )
        : null;
      return {
        urban: u?.value ?? null,
        rural: ru?.value ?? null,
        estimate: !!(u?.estimate || ru?.estimate),
        source: u?.source ?? ru?.source ?? null,
        licence: u?.licence ?? ru?.licence ?? null,
      };
    };
    const latest = periods.at(-1);
    const rows = latest
      ? targets.map((r) => {
          const v = at(r, latest);
          return {
            code: r.code,
            name: r.name,
            period: latest,
            ...v,
            gap: v.urban !== null && v.rural !== null ? v.urban - v.rural : null,
          };
        })
      : [];
    rows.sort((a, b) => (b.gap ?? -Infinity) - (a.gap ?? -Infinity));
    const overTime = targets.map((r) => ({
      code: r.code,
      series: periods.map((p) => {
        const v = at(r, p);
        return { period: p, gap: v.urban !== null && v.rural !== null ? v.urban - v.rural : null };
      }),
    }));
    return { scope, period: latest ?? null, regions: rows, overTime };
  }
}
