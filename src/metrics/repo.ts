// All SQL of the metrics domain: its own tables (regions, indicator definitions, observations, the
// roll-up cells kept per organization and the BI roles).
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { ExposureOrgCell } from '../exposures/index.ts';
import type { IncidentOrgCell, OpenObligationOrgCell, ReportOrgCell } from '../incidents/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import type { PublicReportCell, PublicReportCellKey } from '../public/index.ts';
import type { Cells } from './figures.ts';
import type { IndicatorDefinition, Observation, Region } from './model.ts';
import { belowRegion } from '../platform/db/like.ts';

export async function upsertIndicators(
  db: Queryable,
  defs: readonly IndicatorDefinition[],
  demo: boolean,
): Promise<void> {
  if (defs.length === 0) return;
  await bumpReference(db);
  await db.query(
    `INSERT INTO metric_indicators (code, name, unit, direction, source, licence, definition_url, aggregation, scale, demo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::bool[])
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, unit = EXCLUDED.unit, direction = EXCLUDED.direction,
       source = EXCLUDED.source, licence = EXCLUDED.licence, definition_url = EXCLUDED.definition_url,
       aggregation = EXCLUDED.aggregation, scale = EXCLUDED.scale, updated_at = now()`,
    [
      defs.map((d) => d.code),
      defs.map((d) => d.name),
      defs.map((d) => d.unit),
      defs.map((d) => d.direction),
      defs.map((d) => d.source),
      defs.map((d) => d.licence),
      defs.map((d) => d.definitionUrl),
      defs.map((d) => d.aggregation),
      defs.map((d) => d.scale),
      defs.map(() => demo),
    ],
  );
}

/** Stores observations (a newer import of the same indicator, region and period replaces it); their versions. */
export async function upsertObservations(
  db: Queryable,
  obs: readonly Observation[],
  demo: boolean,
): Promise<number[]> {
  if (obs.length === 0) return [];
  await bumpReference(db);
  const r = await db.query<{ version: number }>(
    `INSERT INTO metric_observations (indicator, region, period, value, numerator, denominator, estimate, provisional, break,
       vintage, source, licence, provenance, demo)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::bool[], $8::bool[],
       $9::bool[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::bool[])
     ON CONFLICT (indicator, region, period) DO UPDATE SET value = EXCLUDED.value, numerator = EXCLUDED.numerator,
       denominator = EXCLUDED.denominator, estimate = EXCLUDED.estimate, provisional = EXCLUDED.provisional,
       break = EXCLUDED.break, vintage = EXCLUDED.vintage, source = EXCLUDED.source, licence = EXCLUDED.licence,
       provenance = EXCLUDED.provenance, demo = EXCLUDED.demo, version = metric_observations.version + 1, imported_at = now()
     RETURNING version`,
    [
      obs.map((o) => o.indicator),
      obs.map((o) => o.region),
      obs.map((o) => o.period),
      obs.map((o) => o.value),
      obs.map((o) => o.numerator),
      obs.map((o) => o.denominator),
      obs.map((o) => o.estimate),
      obs.map((o) => o.provisional),
      obs.map((o) => o.break),
      obs.map((o) => o.vintage),
      obs.map((o) => o.source),
      obs.map((o) => o.licence),
      obs.map((o) => JSON.stringify(o.provenance)),
      obs.map(() => demo),
    ],
  );
  return r.rows.map((x) => x.version);
}

export async function upsertRegions(db: Queryable, regions: readonly Region[], demo: boolean): Promise<void> {
  // Parents first, so that the foreign key holds within one statement's order.
  if (regions.length) await bumpReference(db);
  const sorted = [...regions].sort((a, b) => a.level - b.level);
  for (const r of sorted)
    await db.query(
      `INSERT INTO metric_regions (code, parent, name, level, settlement, population, demo) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (code) DO UPDATE SET parent = EXCLUDED.parent, name = EXCLUDED.name, level = EXCLUDED.level,
         settlement = EXCLUDED.settlement, population = EXCLUDED.population, updated_at = now()`,
      [r.code, r.parent, r.name, r.level, r.settlement, r.population, demo],
    );
}

export async function indicators(db: Queryable): Promise<(IndicatorDefinition & { demo: boolean })[]> {
  const r = await db.query(
    `SELECT code, name, unit, direction, source, licence, definition_url AS "definitionUrl", aggregation, scale, demo
     FROM metric_indicators ORDER BY code`,
  );
  return r.rows as unknown as (IndicatorDefinition & { demo: boolean })[];
}

export interface StoredObservation extends Observation {
  demo: boolean;
  importedAt: string;
}

export async function observationsIn(
  db: Queryable,
  scope: string,
  indicator?: string,
): Promise<StoredObservation[]> {
  const params: unknown[] = [scope, belowRegion(scope)];
  if (indicator) params.push(indicator);
  const r = await db.query(
    `SELECT indicator, region, period, value, numerator, denominator, estimate, provisional, break, vintage, source,
       licence, provenance, demo, imported_at::text AS "importedAt"
     FROM metric_observations WHERE (region = $1 OR region LIKE $2) ${indicator ? 'AND indicator = $3' : ''}
     ORDER BY indicator, region, period`,
    params,
  );
  return r.rows as unknown as StoredObservation[];
}

// ---- reference data (regions, indicator definitions, observations): changed only by an import ----

/**
 * Marks the reference data changed, in the importing transaction: readers compare this generation
 * with the one their cache was loaded at (any process's import bumps it; the row's `cells` column
 * counts the generations).
 */
export async function bumpReference(tx: Queryable): Promise<void> {
  await tx.query(
    `INSERT INTO metric_rollup_state (scope, refreshed_at, cells) VALUES ('reference', now(), 1)
     ON CONFLICT (scope) DO UPDATE SET refreshed_at = now(), cells = metric_rollup_state.cells + 1`,
  );
}

/** The reference data's generation (null: never imported). */
export async function referenceGeneration(db: Queryable): Promise<string | null> {
  const r = await db.query<{ g: string | null }>(`SELECT (${REFERENCE_GENERATION}) AS g`);
  return r.rows[0]?.g ?? null;
}
const REFERENCE_GENERATION = `SELECT cells::text || '@' || refreshed_at::text FROM metric_rollup_state WHERE scope = 'reference'`;

export async function countObservations(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_observations');
  return r.rows[0]!.n;
}

// ---- roll-up cells (migration 0603): kept per organization, summed over what the caller may see ----

/** An organization's incident, report and obligation cells of one month of incident creation (null: every month). */
export interface IncidentPart {
  org: string;
  month: string | null;
}

export interface IncidentCells {
  incidents: IncidentOrgCell[];
  reports: ReportOrgCell[];
  obligations: OpenObligationOrgCell[];
}

/**
 * Replaces the exposure cells of `orgs` (null: every organization's but `except`'s, which are left
 * as they are) with `cells`, in the caller's transaction.
 */
export async function replaceExposureCells(
  tx: Queryable,
  orgs: readonly string[] | null,
  e: readonly ExposureOrgCell[],
  except: readonly string[] = [],
): Promise<void> {
  const only = orgs
    ? 'WHERE org_id = ANY($1::uuid[])'
    : except.length
      ? 'WHERE NOT (org_id = ANY($1::uuid[]))'
      : '';
  await tx.query(`DELETE FROM metric_exposure_cells ${only}`, orgs ? [orgs] : except.length ? [except] : []);
  if (e.length)
    await tx.query(
      `INSERT INTO metric_exposure_cells (org_id, region, sector, kev_due, open_critical_high, kev)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::int[], $6::int[])`,
      [
        e.map((c) => c.org),
        e.map((c) => c.region),
        e.map((c) => c.sector),
        e.map((c) => c.kevDue),
        e.map((c) => c.openCriticalHigh),
        e.map((c) => c.kev),
      ],
    );
}

/**
 * Replaces the incident, report and obligation cells of `parts` (null: every one but the parts in
 * `except`, left as they are) with `cells`, in the caller's transaction. A part is an
 * organization's incidents created in one month (the report cells by their incident's month).
 */
export async function replaceIncidentCells(
  tx: Queryable,
  parts: readonly IncidentPart[] | null,
  cells: IncidentCells,
  except: readonly IncidentPart[] = [],
): Promise<void> {
  if (parts && !parts.length) return;
  const named = parts ?? except;
  const params = named.length ? [named.map((p) => p.org), named.map((p) => p.month)] : [];
  const where = (monthCol: string) => {
    const match = `EXISTS (SELECT 1 FROM unnest($1::uuid[], $2::text[]) AS p(org, month)
       WHERE p.org = c.org_id AND (p.month IS NULL OR p.month = c.${monthCol}))`;
    return parts ? `WHERE ${match}` : named.length ? `WHERE NOT ${match}` : '';
  };
  await tx.query(`DELETE FROM metric_incident_cells c ${where('month')}`, params);
  await tx.query(`DELETE FROM metric_report_cells c ${where('incident_month')}`, params);
  await tx.query(`DELETE FROM metric_obligation_cells c ${where('month')}`, params);
  const i = cells.incidents;
  if (i.length)
    await tx.query(
      `INSERT INTO metric_incident_cells (org_id, region, sector, month, grade, next_due, incidents)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int[])`,
      [
        i.map((c) => c.org),
        i.map((c) => c.region),
        i.map((c) => c.sector),
        i.map((c) => c.month),
        i.map((c) => c.grade),
        i.map((c) => c.nextDue),
        i.map((c) => c.incidents),
      ],
    );
  const r = cells.reports;
  if (r.length)
    await tx.query(
      `INSERT INTO metric_report_cells (org_id, region, sector, stage, month, incident_month, hours_to_report,
         limit_hours, late_hours, reports)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
         $8::int[], $9::int[], $10::int[])`,
      [
        r.map((c) => c.org),
        r.map((c) => c.region),
        r.map((c) => c.sector),
        r.map((c) => c.stage),
        r.map((c) => c.month),
        r.map((c) => c.incidentMonth),
        r.map((c) => c.hoursToReport),
        r.map((c) => c.limitHours),
        r.map((c) => c.lateHours),
        r.map((c) => c.reports),
      ],
    );
  const o = cells.obligations;
  if (o.length)
    await tx.query(
      `INSERT INTO metric_obligation_cells (org_id, region, sector, month, stage, due, obligations)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int[])`,
      [
        o.map((c) => c.org),
        o.map((c) => c.region),
        o.map((c) => c.sector),
        o.map((c) => c.month),
        o.map((c) => c.stage),
        o.map((c) => c.due),
        o.map((c) => c.obligations),
      ],
    );
}

/** Replaces the public reports' cells (`only`: just those keys, with `cells` holding their new counts). */
export async function replacePublicCells(
  tx: Queryable,
  cells: readonly PublicReportCell[],
  only?: readonly PublicReportCellKey[],
  /** Without `only`: every cell but these keys (left as they are). */
  except: readonly PublicReportCellKey[] = [],
): Promise<void> {
  if (only)
    await tx.query(
      `DELETE FROM metric_public_cells c USING unnest($1::text[], $2::text[]) k(region, month)
       WHERE k.region IS NOT DISTINCT FROM c.region AND k.month = c.month`,
      [only.map((k) => k.region), only.map((k) => k.month)],
    );
  else if (except.length)
    await tx.query(
      `DELETE FROM metric_public_cells c WHERE NOT EXISTS (
         SELECT 1 FROM unnest($1::text[], $2::text[]) k(region, month)
         WHERE k.region IS NOT DISTINCT FROM c.region AND k.month = c.month)`,
      [except.map((k) => k.region), except.map((k) => k.month)],
    );
  else await tx.query('DELETE FROM metric_public_cells');
  if (cells.length)
    await tx.query(
      `INSERT INTO metric_public_cells (region, month, reports, awaiting_triage)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`,
      [
        cells.map((c) => c.region),
        cells.map((c) => c.month),
        cells.map((c) => c.reports),
        cells.map((c) => c.awaitingTriage),
      ],
    );
}

/** One writer of cells at a time across processes (the keeper also serialises within one). */
export async function lockCells(tx: Queryable): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CELLS_LOCK]);
}
const CELLS_LOCK = 72_616_013; // arbitrary, fixed: the metrics cells' advisory lock

export async function markRefreshed(tx: Queryable, scope: string, cells: number): Promise<void> {
  await tx.query(
    `INSERT INTO metric_rollup_state (scope, refreshed_at, cells) VALUES ($1, now(), $2)
     ON CONFLICT (scope) DO UPDATE SET refreshed_at = now(), cells = EXCLUDED.cells`,
    [scope, cells],
  );
}

export async function refreshedAt(db: Queryable, scope: string): Promise<Date | null> {
  const r = await db.query<{ at: Date | string }>(
    'SELECT refreshed_at AS at FROM metric_rollup_state WHERE scope = $1',
    [scope],
  );
  return r.rows[0] ? new Date(r.rows[0].at) : null;
}

/** `c.region` in `region`'s subtree (or no condition), with its parameters appended. */
function regionWhere(region: string | undefined, params: unknown[]): string {
  if (!region) return '';
  params.push(region, belowRegion(region));
  return ` AND (c.region = $${params.length - 1} OR c.region LIKE $${params.length})`;
}

/** Incidents the actor may see filed from `sinceMonth` on, by region, sector, month and grade; overdue at `now`. */
export async function incidentCells(
  db: Queryable,
  actor: Actor,
  sinceMonth: string,
  now: Date,
  region?: string,
): Promise<Cells['incidents']> {
  const params: unknown[] = [];
  const w = visibleOrgsSql(actor, 'c.org_id', params) + regionWhere(region, params);
  params.push(sinceMonth, now.toISOString());
  const n = params.length;
  const r = await db.query(
    `SELECT c.region, c.sector, c.month, c.grade, sum(c.incidents)::int AS incidents,
       coalesce(sum(c.incidents) FILTER (WHERE c.next_due < $${n}), 0)::int AS overdue,
       count(DISTINCT c.org_id)::int AS orgs
     FROM metric_incident_cells c WHERE ${w} AND c.month >= $${n - 1} GROUP BY 1, 2, 3, 4`,
    params,
  );
  return r.rows as unknown as Cells['incidents'];
}

/** Obligations past their deadline and not filed, of one stage and as many whole hours late. */
export interface OverdueObligationRow {
  region: string;
  sector: string | null;
  stage: string;
  lateHours: number;
  n: number;
}

/**
 * Obligations the actor may see past their deadline at `now` and not filed (incidents filed from
 * `sinceMonth` on, every missed stage of each), by stage and whole hours late (rounded up).
 */
export async function overdueLateness(
  db: Queryable,
  actor: Actor,
  sinceMonth: string,
  now: Date,
  region?: string,
): Promise<OverdueObligationRow[]> {
  const params: unknown[] = [];
  const w = visibleOrgsSql(actor, 'c.org_id', params) + regionWhere(region, params);
  params.push(sinceMonth, now.toISOString());
  const n = params.length;
  const r = await db.query(
    `SELECT c.region, c.sector, c.stage, ceil(extract(epoch FROM $${n}::timestamptz - c.due) / 3600)::int AS "lateHours",
       sum(c.obligations)::int AS n
     FROM metric_obligation_cells c WHERE ${w} AND c.month >= $${n - 1} AND c.due < $${n}::timestamptz
     GROUP BY 1, 2, 3, 4`,
    params,
  );
  return r.rows as unknown as OverdueObligationRow[];
}

export interface ReportHistogramRow {
  region: string;
  sector: string | null;
  stage: string;
  month: string;
  hoursToReport: number;
  limitHours: number;
  lateHours: number | null;
  reports: number;
  orgs: number;
}

/** Statutory reports the actor may see filed from `sinceMonth` on, as a histogram of hours to report. */
export async function reportCells(
  db: Queryable,
  actor: Actor,
  sinceMonth: string,
  region?: string,
): Promise<ReportHistogramRow[]> {
  const params: unknown[] = [];
  const w = visibleOrgsSql(actor, 'c.org_id', params) + regionWhere(region, params);
  params.push(sinceMonth);
  const r = await db.query(
    `SELECT c.region, c.sector, c.stage, c.month, c.hours_to_report AS "hoursToReport", c.limit_hours AS "limitHours",
       c.late_hours AS "lateHours", sum(c.reports)::int AS reports, count(DISTINCT c.org_id)::int AS orgs
     FROM metric_report_cells c WHERE ${w} AND c.month >= $${params.length} GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    params,
  );
  return r.rows as unknown as ReportHistogramRow[];
}

/** Everything a page reads from the cells, and the reference data's generation, in one statement. */
export interface ViewCells {
  exposures: Cells['exposures'];
  incidents: Cells['incidents'];
  reports: ReportHistogramRow[];
  overdue: OverdueObligationRow[];
  publicReports: Cells['publicReports'];
  referenceGeneration: string | null;
}

/**
 * The cells of `exposureCells`, `incidentCells`, `reportCells`, `overdueLateness` and `publicCells`
 * (the same conditions), and the reference generation, in one round trip: on a loaded machine each
 * statement costs its own wait, and PGlite runs them one after another.
 */
export async function viewCells(
  db: Queryable,
  actor: Actor,
  q: {
    today: string;
    sinceMonth: string;
    now: Date;
    region?: string;
    publicRegion: string;
    withoutRegion: boolean;
  },
): Promise<ViewCells> {
  const params: unknown[] = [];
  const w = () => visibleOrgsSql(actor, 'c.org_id', params) + regionWhere(q.region, params);
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const we = w();
  const d = `${p(q.today)}::date`;
  const exposures = `SELECT c.region, c.sector, sum(c.open_critical_high)::int AS "openCriticalHigh",
       coalesce(sum(c.kev) FILTER (WHERE c.kev_due < ${d}), 0)::int AS "kevPastDue",
       max(${d} - c.kev_due) FILTER (WHERE c.kev_due < ${d} AND c.kev > 0) AS "kevPastDueMaxDays",
       coalesce(sum(c.kev * (${d} - c.kev_due)) FILTER (WHERE c.kev_due < ${d}), 0)::int AS "kevPastDueTotalDays",
       count(DISTINCT c.org_id)::int AS orgs
     FROM metric_exposure_cells c WHERE ${we} GROUP BY c.region, c.sector`;
  const wi = w();
  const since = p(q.sinceMonth);
  const now = `${p(q.now.toISOString())}::timestamptz`;
  const incidents = `SELECT c.region, c.sector, c.month, c.grade, sum(c.incidents)::int AS incidents,
       coalesce(sum(c.incidents) FILTER (WHERE c.next_due < ${now}), 0)::int AS overdue,
       count(DISTINCT c.org_id)::int AS orgs
     FROM metric_incident_cells c WHERE ${wi} AND c.month >= ${since} GROUP BY 1, 2, 3, 4`;
  const wo = w();
  const overdue = `SELECT c.region, c.sector, c.stage, ceil(extract(epoch FROM ${now} - c.due) / 3600)::int AS "lateHours",
       sum(c.obligations)::int AS n
     FROM metric_obligation_cells c WHERE ${wo} AND c.month >= ${since} AND c.due < ${now} GROUP BY 1, 2, 3, 4`;
  const wr = w();
  const reports = `SELECT c.region, c.sector, c.stage, c.month, c.hours_to_report AS "hoursToReport",
       c.limit_hours AS "limitHours", c.late_hours AS "lateHours", sum(c.reports)::int AS reports,
       count(DISTINCT c.org_id)::int AS orgs
     FROM metric_report_cells c WHERE ${wr} AND c.month >= ${since} GROUP BY 1, 2, 3, 4, 5, 6, 7`;
  const pub = `SELECT c.region, c.month, c.reports, c.awaiting_triage AS "awaitingTriage" FROM metric_public_cells c
     WHERE c.month >= ${since} AND (c.region = ${p(q.publicRegion)} OR c.region LIKE ${p(belowRegion(q.publicRegion))}
       OR (${p(q.withoutRegion)}::boolean AND c.region IS NULL))`;
  const agg = (sql: string) => `(SELECT coalesce(json_agg(x), '[]'::json) FROM (${sql}) x)`;
  const r = await db.query<Record<string, unknown>>(
    `SELECT ${agg(exposures)} AS exposures, ${agg(incidents)} AS incidents, ${agg(reports)} AS reports,
       ${agg(overdue)} AS overdue, ${agg(pub)} AS "publicReports", (${REFERENCE_GENERATION}) AS "referenceGeneration"`,
    params,
  );
  const row = r.rows[0]!;
  // json (not jsonb) arrives as text from some drivers' settings: parse when it does.
  const rows = <T>(v: unknown): T[] => (typeof v === 'string' ? JSON.parse(v) : v) as T[];
  return {
    exposures: rows(row.exposures),
    incidents: rows(row.incidents),
    reports: rows(row.reports),
    overdue: rows(row.overdue),
    publicReports: rows(row.publicReports),
    referenceGeneration: (row.referenceGeneration as string | null) ?? null,
  };
}

/** Every region, indicator definition and observation (the reference data, cached by the service). */
export async function referenceData(db: Queryable): Promise<{
  generation: string | null;
  regions: Region[];
  indicators: (IndicatorDefinition & { demo: boolean })[];
  observations: StoredObservation[];
}> {
  // The generation first: an import committed between the reads makes the cache reload next time.
  const generation = await referenceGeneration(db);
  const regions = await db.query(
    'SELECT code, parent, name, level, settlement, population FROM metric_regions ORDER BY level, code',
  );
  const defs = await indicators(db);
  const obs = await db.query(
    `SELECT indicator, region, period, value, numerator, denominator, estimate, provisional, break, vintage, source,
       licence, provenance, demo, imported_at::text AS "importedAt"
     FROM metric_observations ORDER BY indicator, region, period`,
  );
  return {
    generation,
    regions: (regions.rows as unknown as (Region & { population: string | null })[]).map((x) => ({
      ...x,
      population: x.population === null ? null : Number(x.population),
    })),
    indicators: defs,
    observations: obs.rows as unknown as StoredObservation[],
  };
}

/** One organization's figures from its cells (the drill-down from a region to its organizations). */
export interface OrgFigureRow {
  org: string;
  openCriticalHigh: number;
  kevPastDue: number;
  incidents: number;
  majorIncidents: number;
  overdueIncidents: number;
  /** Obligations past their deadline and not filed (every missed stage): late in the on-time share. */
  overdueObligations: number;
  reportsFiled: number;
  reportsOnTime: number;
}

/**
 * Per organization the actor may see (the access rule on each cell's organization) in `region`'s
 * subtree, optionally of one sector: open critical/high and KEV past due on `today`, incidents filed
 * from `sinceMonth` on (major, overdue at `now`), statutory reports filed from `sinceMonth` on.
 */
export async function orgFigures(
  db: Queryable,
  actor: Actor,
  q: { region: string; sector?: string; sinceMonth: string; now: Date },
): Promise<OrgFigureRow[]> {
  const where = (params: unknown[]) => {
    let w = visibleOrgsSql(actor, 'c.org_id', params) + regionWhere(q.region, params);
    if (q.sector !== undefined) {
      params.push(q.sector);
      w += ` AND c.sector = $${params.length}`;
    }
    return w;
  };
  const pe: unknown[] = [];
  const we = where(pe);
  pe.push(q.now.toISOString().slice(0, 10));
  const e = await db.query<{ org: string; och: number; kev: number }>(
    `SELECT c.org_id::text AS org, sum(c.open_critical_high)::int AS och,
       coalesce(sum(c.kev) FILTER (WHERE c.kev_due < $${pe.length}::date), 0)::int AS kev
     FROM metric_exposure_cells c WHERE ${we} GROUP BY 1`,
    pe,
  );
  const pi: unknown[] = [];
  const wi = where(pi);
  pi.push(q.sinceMonth, q.now.toISOString());
  const i = await db.query<{ org: string; n: number; major: number; overdue: number }>(
    `SELECT c.org_id::text AS org, sum(c.incidents)::int AS n,
       coalesce(sum(c.incidents) FILTER (WHERE c.grade IN ('major', 'particularly-major')), 0)::int AS major,
       coalesce(sum(c.incidents) FILTER (WHERE c.next_due < $${pi.length}::timestamptz), 0)::int AS overdue
     FROM metric_incident_cells c WHERE ${wi} AND c.month >= $${pi.length - 1} GROUP BY 1`,
    pi,
  );
  const po: unknown[] = [];
  const wo = where(po);
  po.push(q.sinceMonth, q.now.toISOString());
  const o = await db.query<{ org: string; n: number }>(
    `SELECT c.org_id::text AS org, sum(c.obligations)::int AS n
     FROM metric_obligation_cells c WHERE ${wo} AND c.month >= $${po.length - 1} AND c.due < $${po.length}::timestamptz
     GROUP BY 1`,
    po,
  );
  const pr: unknown[] = [];
  const wr = where(pr);
  pr.push(q.sinceMonth);
  const r = await db.query<{ org: string; filed: number; on_time: number }>(
    `SELECT c.org_id::text AS org, sum(c.reports)::int AS filed,
       coalesce(sum(c.reports) FILTER (WHERE c.late_hours IS NULL), 0)::int AS on_time
     FROM metric_report_cells c WHERE ${wr} AND c.month >= $${pr.length} GROUP BY 1`,
    pr,
  );
  const rows = new Map<string, OrgFigureRow>();
  const at = (org: string) => {
    let x = rows.get(org);
    if (!x) {
      x = {
        org,
        openCriticalHigh: 0,
        kevPastDue: 0,
        incidents: 0,
        majorIncidents: 0,
        overdueIncidents: 0,
        overdueObligations: 0,
        reportsFiled: 0,
        reportsOnTime: 0,
      };
      rows.set(org, x);
    }
    return x;
  };
  for (const x of e.rows) Object.assign(at(x.org), { openCriticalHigh: x.och, kevPastDue: x.kev });
  for (const x of i.rows)
    Object.assign(at(x.org), { incidents: x.n, majorIncidents: x.major, overdueIncidents: x.overdue });
  for (const x of o.rows) at(x.org).overdueObligations = x.n;
  for (const x of r.rows) Object.assign(at(x.org), { reportsFiled: x.filed, reportsOnTime: x.on_time });
  return [...rows.values()];
}

/** Open KEV exposures the actor may see that are past due on `today`, by days past due. */
export async function kevAgeing(
  db: Queryable,
  actor: Actor,
  today: string,
): Promise<{ days: number; n: number }[]> {
  const params: unknown[] = [];
  const w = visibleOrgsSql(actor, 'c.org_id', params);
  params.push(today);
  const d = `$${params.length}::date`;
  const r = await db.query<{ days: number; n: number }>(
    `SELECT (${d} - c.kev_due)::int AS days, sum(c.kev)::int AS n FROM metric_exposure_cells c
     WHERE ${w} AND c.kev_due < ${d} AND c.kev > 0 GROUP BY 1`,
    params,
  );
  return r.rows;
}

// ---- BI roles (PostgreSQL) ----

/**
 * Creates (or updates) a login role that may read the views of schema metrics_bi and, for the views
 * that run with its rights, the cells under row-level security; it may write nothing. `role` is
 * checked by the caller (lower-case letters, digits, underscores); the password is quoted by format().
 */
export async function createBiRole(tx: Queryable, role: string, password: string | null): Promise<void> {
  const exists = await tx.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const stmt = await tx.query<{ sql: string }>(
    `SELECT format($3::text, $1::text)
       || CASE WHEN $2::text IS NULL THEN '' ELSE format(' PASSWORD %L', $2::text) END AS sql`,
    [role, password, exists.rowCount ? 'ALTER ROLE %I LOGIN NOINHERIT' : 'CREATE ROLE %I LOGIN NOINHERIT'],
  );
  await tx.query(stmt.rows[0]!.sql);
  const r = `"${role}"`;
  await tx.query(`ALTER ROLE ${r} SET default_transaction_read_only = on`);
  await tx.query(`GRANT USAGE ON SCHEMA metrics_bi TO ${r}`);
  await tx.query(`GRANT SELECT ON ALL TABLES IN SCHEMA metrics_bi TO ${r}`);
  await tx.query(
    `GRANT SELECT ON metric_exposure_cells, metric_incident_cells, metric_report_cells, metric_public_cells,
       metric_triage_cells, metric_action_cells, metric_obligation_cells TO ${r}`,
  );
}

/** The views of schema metrics_bi a BI role is granted (in name order). */
export async function biViews(tx: Queryable): Promise<string[]> {
  const r = await tx.query<{ name: string }>(
    `SELECT 'metrics_bi.' || viewname AS name FROM pg_views WHERE schemaname = 'metrics_bi' ORDER BY viewname`,
  );
  return r.rows.map((x) => x.name);
}

/** Maps `role` to `org` (a new row is version 1; each later grant bumps it); its version. */
export async function mapBiRole(
  tx: Queryable,
  grant: { role: string; org: string; grantedBy: string; grantedAt: string; views: readonly string[] },
): Promise<number> {
  const r = await tx.query<{ version: number }>(
    `INSERT INTO metric_bi_roles (role, org_id, granted_by, granted_at, views) VALUES ($1, $2, $3, $4, $5::text[])
     ON CONFLICT (role) DO UPDATE SET org_id = EXCLUDED.org_id, granted_by = EXCLUDED.granted_by,
       granted_at = EXCLUDED.granted_at, views = EXCLUDED.views, version = metric_bi_roles.version + 1
     RETURNING version`,
    [grant.role, grant.org, grant.grantedBy, grant.grantedAt, grant.views],
  );
  return r.rows[0]!.version;
}

export async function setBiRoleEntry(tx: Queryable, role: string, entrySeq: number): Promise<void> {
  await tx.query('UPDATE metric_bi_roles SET entry_seq = $2 WHERE role = $1', [role, entrySeq]);
}

// ---- operations cells (migration 0821): the overview's operations figures, for the BI views ----

export interface OperationsCells {
  /** Public reports triaged, by region, month received and whole hours to the first decision. */
  triage?: { region: string | null; month: string; hours: number; reports: number }[];
  /** When given, `triage` replaces the cells of these keys (region, month received) only. */
  triageOnly?: readonly PublicReportCellKey[];
  /** Per organization, the operator action rate the console shows it. */
  actions?: { org: string; since: string; promoted: number; answered: number; blockedOrTakenDown: number }[];
  /** The ledger's status: the log (witness null) and each witness. */
  ledger?: {
    witness: string | null;
    treeSize: number;
    pending: number;
    checkpointAt: string | null;
    lastCosignedSize: number | null;
    lastCosignedAt: string | null;
  }[];
}

/** Replaces the given parts of the operations cells, in the caller's transaction. */
export async function replaceOperationsCells(tx: Queryable, cells: OperationsCells): Promise<void> {
  const t = cells.triage;
  if (t) {
    const only = cells.triageOnly;
    if (only)
      await tx.query(
        `DELETE FROM metric_triage_cells c USING unnest($1::text[], $2::text[]) k(region, month)
         WHERE k.region IS NOT DISTINCT FROM c.region AND k.month = c.month`,
        [only.map((k) => k.region), only.map((k) => k.month)],
      );
    else await tx.query('DELETE FROM metric_triage_cells');
    if (t.length)
      await tx.query(
        `INSERT INTO metric_triage_cells (region, month, hours, reports)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`,
        [t.map((c) => c.region), t.map((c) => c.month), t.map((c) => c.hours), t.map((c) => c.reports)],
      );
  }
  const a = cells.actions;
  if (a) {
    await tx.query('DELETE FROM metric_action_cells');
    if (a.length)
      await tx.query(
        `INSERT INTO metric_action_cells (org_id, since, promoted, answered, blocked_or_taken_down)
         SELECT * FROM unnest($1::uuid[], $2::date[], $3::int[], $4::int[], $5::int[])`,
        [
          a.map((c) => c.org),
          a.map((c) => c.since),
          a.map((c) => c.promoted),
          a.map((c) => c.answered),
          a.map((c) => c.blockedOrTakenDown),
        ],
      );
  }
  const l = cells.ledger;
  if (l) {
    await tx.query('DELETE FROM metric_ledger_cells');
    if (l.length)
      await tx.query(
        `INSERT INTO metric_ledger_cells (witness, tree_size, pending, checkpoint_at, last_cosigned_size, last_cosigned_at, refreshed_at)
         SELECT w, s, p, c, ls, la, now()
         FROM unnest($1::text[], $2::bigint[], $3::int[], $4::timestamptz[], $5::bigint[], $6::timestamptz[]) AS t(w, s, p, c, ls, la)`,
        [
          l.map((c) => c.witness),
          l.map((c) => c.treeSize),
          l.map((c) => c.pending),
          l.map((c) => c.checkpointAt),
          l.map((c) => c.lastCosignedSize),
          l.map((c) => c.lastCosignedAt),
        ],
      );
  }
}

/**
 * The operator's region geometry: replaced as a whole (a file is one map), in the caller's
 * transaction. Returns its version (1 for the first file; counted in metric_rollup_state 'geometry').
 */
export async function replaceGeometry(
  tx: Queryable,
  rows: readonly { region: string; geometry: unknown }[],
  meta: { source: string; licence: string; file: string; sha256: string; demo: boolean },
): Promise<number> {
  await tx.query('DELETE FROM metric_region_geometry');
  await tx.query(
    `INSERT INTO metric_region_geometry (region, geometry, source, licence, file, sha256, demo)
     SELECT r, g::jsonb, $3, $4, $5, $6, $7 FROM unnest($1::text[], $2::text[]) AS t(r, g)`,
    [
      rows.map((r) => r.region),
      rows.map((r) => JSON.stringify(r.geometry)),
      meta.source,
      meta.licence,
      meta.file,
      meta.sha256,
      meta.demo,
    ],
  );
  await bumpReference(tx);
  const v = await tx.query<{ version: number }>(
    `INSERT INTO metric_rollup_state (scope, refreshed_at, cells) VALUES ('geometry', now(), 1)
     ON CONFLICT (scope) DO UPDATE SET refreshed_at = now(), cells = metric_rollup_state.cells + 1
     RETURNING cells::int AS version`,
  );
  return Number(v.rows[0]!.version);
}

export interface StoredGeometry {
  region: string;
  geometry: { type: string; coordinates: unknown };
  source: string;
  licence: string;
  file: string;
  sha256: string;
  demo: boolean;
  importedAt: string;
}

/** The geometry of `regions` (the map's tiles), when the operator supplied it. */
export async function geometryOf(db: Queryable, regions: readonly string[]): Promise<StoredGeometry[]> {
  if (!regions.length) return [];
  const r = await db.query(
    `SELECT region, geometry, source, licence, file, sha256, demo, imported_at::text AS "importedAt"
     FROM metric_region_geometry WHERE region = ANY($1::text[]) ORDER BY region`,
    [regions],
  );
  return r.rows.map((x) => ({
    ...(x as unknown as StoredGeometry),
    geometry: typeof x.geometry === 'string' ? JSON.parse(x.geometry) : x.geometry,
  }));
}
