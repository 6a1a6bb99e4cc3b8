// Read-only figures for the metrics domain (issue 13): incidents by region, sector, month and
// grade (drills and drafts apart), overdue now, and statutory reports filed within their stage's
// deadline, scoped by the access rule.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import { belowRegion } from '../platform/db/like.ts';

export interface IncidentCell {
  region: string;
  sector: string | null;
  /** 'YYYY-MM' of filing. */
  month: string;
  grade: string;
  incidents: number;
  overdue: number;
  orgs: number;
}

export interface ReportTimelinessCell {
  region: string;
  sector: string | null;
  stage: string;
  due: number;
  onTime: number;
  /** 90th percentile of lateness in hours among late reports (null: none late). */
  p90LateHours: number | null;
}

/** Obligations past their deadline at `now` and not filed: every missed stage of an incident, under its stage. */
export interface OverdueObligationCell {
  region: string;
  sector: string | null;
  stage: string;
  n: number;
}

export async function incidentFigures(
  db: Queryable,
  actor: Actor,
  since: Date,
  now: Date,
  region?: string,
): Promise<{
  incidents: IncidentCell[];
  reports: ReportTimelinessCell[];
  overdueObligations: OverdueObligationCell[];
}> {
  const params: unknown[] = [];
  let w = visibleOrgsSql(actor, 'i.org_id', params);
  if (region) {
    params.push(region, belowRegion(region));
    w += ` AND (i.region = $${params.length - 1} OR i.region LIKE $${params.length})`;
  }
  params.push(since.toISOString(), now.toISOString());
  const n = params.length;
  const r = await db.query(
    `SELECT i.region, i.sector, to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, i.grade,
       count(*)::int AS incidents, count(*) FILTER (WHERE i.next_due < $${n})::int AS overdue,
       count(DISTINCT i.org_id)::int AS orgs
     FROM incidents i WHERE ${w} AND NOT i.exercise AND i.status <> 'draft' AND i.created_at >= $${n - 1}
     GROUP BY 1, 2, 3, 4`,
    params,
  );
  const p2: unknown[] = [];
  let w2 = visibleOrgsSql(actor, 'i.org_id', p2);
  if (region) {
    p2.push(region, belowRegion(region));
    w2 += ` AND (i.region = $${p2.length - 1} OR i.region LIKE $${p2.length})`;
  }
  p2.push(since.toISOString());
  const s = await db.query(
    `SELECT i.region, i.sector, r.stage, count(*)::int AS due,
       count(*) FILTER (WHERE r.filed_at <= r.due)::int AS "onTime",
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM r.filed_at - r.due) / 3600)
         FILTER (WHERE r.filed_at > r.due) AS "p90LateHours"
     FROM incident_reports r JOIN incidents i ON i.id = r.incident_id
     WHERE ${w2} AND NOT i.exercise AND r.due IS NOT NULL AND r.filed_at >= $${p2.length}
     GROUP BY 1, 2, 3`,
    p2,
  );
  const p3: unknown[] = [];
  let w3 = visibleOrgsSql(actor, 'i.org_id', p3);
  if (region) {
    p3.push(region, belowRegion(region));
    w3 += ` AND (i.region = $${p3.length - 1} OR i.region LIKE $${p3.length})`;
  }
  p3.push(since.toISOString(), now.toISOString());
  const o = await db.query(
    `SELECT i.region, i.sector, o.stage, count(*)::int AS n
     FROM incident_obligations o JOIN incidents i ON i.id = o.incident_id
     WHERE ${w3} AND NOT i.exercise AND i.status <> 'draft' AND i.created_at >= $${p3.length - 1}
       AND o.satisfied_at IS NULL AND o.due < $${p3.length}
     GROUP BY 1, 2, 3`,
    p3,
  );
  return {
    incidents: r.rows as unknown as IncidentCell[],
    reports: s.rows as unknown as ReportTimelinessCell[],
    overdueObligations: o.rows as unknown as OverdueObligationCell[],
  };
}

/** One organization's incidents, for the metrics roll-up: overdue is left to the reader (`nextDue`). */
export interface IncidentOrgCell {
  org: string;
  region: string;
  sector: string | null;
  month: string;
  grade: string;
  /** The earliest open deadline of the incidents counted (ISO), null when none is pending. */
  nextDue: string | null;
  incidents: number;
}

/** Statutory reports of one organization by stage and month filed, with time to report in whole hours. */
export interface ReportOrgCell {
  org: string;
  region: string;
  sector: string | null;
  stage: string;
  /** 'YYYY-MM' of filing. */
  month: string;
  /** 'YYYY-MM' of the incident's creation: the partition the cell is rebuilt in. */
  incidentMonth: string;
  /** Hours from awareness to filing, rounded up. */
  hoursToReport: number;
  /** The stage's limit in hours from awareness (due − aware), rounded. */
  limitHours: number;
  /** Hours past the deadline, rounded up; null when filed in time. */
  lateHours: number | null;
  reports: number;
}

/**
 * Obligations of one organization not yet filed (satisfied) that have a deadline, by stage and
 * deadline: overdue is left to the reader (`due` before now), so that every missed stage of an
 * incident counts, each under its own stage.
 */
export interface OpenObligationOrgCell {
  org: string;
  region: string;
  sector: string | null;
  /** 'YYYY-MM' of the incident's filing (the month the incident cells use). */
  month: string;
  stage: string;
  /** The deadline (ISO). */
  due: string;
  obligations: number;
}

/**
 * An organization's incidents created in one month (UTC 'YYYY-MM'): the unit in which the metrics
 * roll-up rebuilds the incident, report and obligation cells after a write. An incident's month
 * and organization never change, and its reports and obligations are counted under it.
 */
export interface IncidentCellPartition {
  org: string;
  month: string;
}

/** The partitions the incidents belong to (an id that names no incident is left out). */
export async function incidentPartitionsOf(
  db: Queryable,
  incidentIds: readonly string[],
): Promise<IncidentCellPartition[]> {
  if (!incidentIds.length) return [];
  const r = await db.query<{ org: string; month: string }>(
    `SELECT DISTINCT org_id::text AS org, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
     FROM incidents WHERE id = ANY($1::uuid[])`,
    [incidentIds],
  );
  return r.rows;
}

/**
 * Incidents (drills and drafts apart), statutory reports and open obligations by organization, for
 * the metrics domain's roll-up (kept per organization, scoped when read); `orgs` null: every organization.
 */
export function incidentCellsByOrg(db: Queryable, orgs: readonly string[] | null): Promise<IncidentOrgCells> {
  return orgs
    ? cellsOf(db, 'incidents i', 'i.org_id = ANY($1::uuid[])', [orgs])
    : cellsOf(db, 'incidents i', 'true', []);
}

/** The same cells for the given partitions only (through the index on organization and creation time). */
export function incidentCellsByPartition(
  db: Queryable,
  partitions: readonly IncidentCellPartition[],
): Promise<IncidentOrgCells> {
  const since = partitions.map((p) => `${p.month}-01T00:00:00Z`);
  const until = partitions.map((p) => {
    const [y, m] = p.month.split('-').map(Number) as [number, number];
    return new Date(Date.UTC(y, m, 1)).toISOString();
  });
  return cellsOf(
    db,
    `unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS p(org, since, until)
     JOIN incidents i ON i.org_id = p.org AND i.created_at >= p.since AND i.created_at < p.until`,
    'true',
    [partitions.map((p) => p.org), since, until],
    true,
  );
}

/**
 * What a roll-up rebuilds after writes: every cell of the organizations in `wholeOrgs` (month null),
 * and the month parts of the incidents named (those of a whole organization apart), with their cells.
 */
export async function incidentCellsAfterWrites(
  db: Queryable,
  wholeOrgs: readonly string[],
  incidentIds: readonly string[],
): Promise<{ parts: { org: string; month: string | null }[]; cells: IncidentOrgCells }> {
  const whole = new Set(wholeOrgs);
  const months = (await incidentPartitionsOf(db, incidentIds)).filter((p) => !whole.has(p.org));
  const a = wholeOrgs.length ? await incidentCellsByOrg(db, wholeOrgs) : undefined;
  const b = months.length ? await incidentCellsByPartition(db, months) : undefined;
  return {
    parts: [...wholeOrgs.map((org) => ({ org, month: null })), ...months],
    cells: {
      incidents: [...(a?.incidents ?? []), ...(b?.incidents ?? [])],
      reports: [...(a?.reports ?? []), ...(b?.reports ?? [])],
      obligations: [...(a?.obligations ?? []), ...(b?.obligations ?? [])],
    },
  };
}

export interface IncidentOrgCells {
  incidents: IncidentOrgCell[];
  reports: ReportOrgCell[];
  obligations: OpenObligationOrgCell[];
}

/** The three kinds of cells over the incidents `source` yields as `i` where `where` holds. */
async function cellsOf(
  db: Queryable,
  source: string,
  where: string,
  params: unknown[],
  few = false,
): Promise<IncidentOrgCells> {
  // A few incidents (a part): their obligations by the primary key, incident by incident. Left to
  // the planner, statistics that lag behind the table (the embedded database runs no autovacuum)
  // made it read every open obligation through the partial index on deadlines (140,000 at a
  // million incidents, 0.5-0.9 s) to join a few hundred. OFFSET 0 keeps the subquery from being
  // merged into the join.
  const obligations = few
    ? 'LATERAL (SELECT * FROM incident_obligations x WHERE x.incident_id = i.id OFFSET 0) AS o'
    : 'incident_obligations o';
  const month = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM')`;
  const r = await db.query(
    `SELECT i.org_id::text AS org, i.region, i.sector, ${month('i.created_at')} AS month,
       i.grade, i.next_due AS "nextDue", count(*)::int AS incidents
     FROM ${source} WHERE ${where} AND NOT i.exercise AND i.status <> 'draft'
     GROUP BY 1, 2, 3, 4, 5, 6`,
    params,
  );
  const s = await db.query(
    `SELECT i.org_id::text AS org, i.region, i.sector, r.stage, ${month('r.filed_at')} AS month,
       ${month('i.created_at')} AS "incidentMonth",
       ceil(extract(epoch FROM r.filed_at - i.aware_at) / 3600)::int AS "hoursToReport",
       round(extract(epoch FROM r.due - i.aware_at) / 3600)::int AS "limitHours",
       CASE WHEN r.filed_at > r.due THEN ceil(extract(epoch FROM r.filed_at - r.due) / 3600)::int END AS "lateHours",
       count(*)::int AS reports
     FROM ${source} JOIN incident_reports r ON r.incident_id = i.id
     WHERE ${where} AND NOT i.exercise AND r.due IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    params,
  );
  // The same incidents as the incident cells (drills and drafts apart); an obligation whose anchor
  // has not happened has no deadline yet and cannot be late.
  const o = await db.query(
    `SELECT i.org_id::text AS org, i.region, i.sector, ${month('i.created_at')} AS month,
       o.stage, o.due, count(*)::int AS obligations
     FROM ${source} JOIN ${obligations} ON o.incident_id = i.id
     WHERE ${where} AND NOT i.exercise AND i.status <> 'draft' AND o.satisfied_at IS NULL AND o.due IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6`,
    params,
  );
  return {
    incidents: (r.rows as unknown as (IncidentOrgCell & { nextDue: Date | string | null })[]).map((x) => ({
      ...x,
      nextDue: x.nextDue === null ? null : new Date(x.nextDue).toISOString(),
    })),
    reports: s.rows as unknown as ReportOrgCell[],
    obligations: (o.rows as unknown as (OpenObligationOrgCell & { due: Date | string })[]).map((x) => ({
      ...x,
      due: new Date(x.due).toISOString(),
    })),
  };
}
