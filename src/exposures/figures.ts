// Read-only figures for the metrics domain (issue 13): open critical/high exposures and
// known-exploited exposures past their due date (with their age), by region and sector, scoped by
// the access rule.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import { belowRegion } from '../platform/db/like.ts';

export interface ExposureCell {
  region: string;
  sector: string | null;
  openCriticalHigh: number;
  kevPastDue: number;
  /** Days past due of the oldest KEV exposure past due (null: none). */
  kevPastDueMaxDays: number | null;
  kevPastDueTotalDays: number;
  orgs: number;
}

export async function exposureFigures(
  db: Queryable,
  actor: Actor,
  today: string,
  region?: string,
): Promise<ExposureCell[]> {
  const params: unknown[] = [];
  let w = visibleOrgsSql(actor, 'e.org_id', params);
  if (region) {
    params.push(region, belowRegion(region));
    w += ` AND (e.region = $${params.length - 1} OR e.region LIKE $${params.length})`;
  }
  params.push(today);
  const d = `$${params.length}::date`;
  const r = await db.query<Omit<ExposureCell, never>>(
    `SELECT e.region, e.sector,
       count(*) FILTER (WHERE e.severity_rating IN ('Critical', 'High'))::int AS "openCriticalHigh",
       count(*) FILTER (WHERE e.kev AND e.due < ${d})::int AS "kevPastDue",
       max(${d} - e.due) FILTER (WHERE e.kev AND e.due < ${d}) AS "kevPastDueMaxDays",
       coalesce(sum(${d} - e.due) FILTER (WHERE e.kev AND e.due < ${d}), 0)::int AS "kevPastDueTotalDays",
       count(DISTINCT e.org_id)::int AS orgs
     FROM exposures e WHERE ${w} AND e.status IN ('open', 'acknowledged')
     GROUP BY e.region, e.sector`,
    params,
  );
  return r.rows.map((x) => ({
    ...x,
    kevPastDueMaxDays: x.kevPastDueMaxDays === null ? null : Number(x.kevPastDueMaxDays),
  }));
}

/** One organization's open exposures, for the metrics roll-up: a KEV exposure keeps its due date. */
export interface ExposureOrgCell {
  org: string;
  region: string;
  sector: string | null;
  /** The due date of the KEV exposures counted in `kev` ('YYYY-MM-DD'); null for the others. */
  kevDue: string | null;
  openCriticalHigh: number;
  kev: number;
}

/**
 * Open exposures by organization, region, sector and KEV due date, for the metrics domain's
 * roll-up (kept per organization and scoped when read); `orgs` null: every organization. Past due
 * is left to the reader, since it depends on the day the figure is read.
 */
export async function exposureCellsByOrg(
  db: Queryable,
  orgs: readonly string[] | null,
): Promise<ExposureOrgCell[]> {
  const r = await db.query<ExposureOrgCell & Record<string, unknown>>(
    `SELECT e.org_id::text AS org, e.region, e.sector,
       CASE WHEN e.kev AND e.due IS NOT NULL THEN to_char(e.due, 'YYYY-MM-DD') END AS "kevDue",
       count(*) FILTER (WHERE e.severity_rating IN ('Critical', 'High'))::int AS "openCriticalHigh",
       count(*) FILTER (WHERE e.kev)::int AS kev
     FROM exposures e WHERE e.status IN ('open', 'acknowledged') ${orgs ? 'AND e.org_id = ANY($1::uuid[])' : ''}
     GROUP BY 1, 2, 3, 4`,
    orgs ? [orgs] : [],
  );
  return r.rows;
}
