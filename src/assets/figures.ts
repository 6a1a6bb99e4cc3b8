// Read-only figures for the metrics domain (issue 13): critical assets counted by region and
// sector, scoped by the access rule. The only SQL the metrics domain needs of the assets table.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import { belowRegion } from '../platform/db/like.ts';

export interface CriticalAssetCell {
  region: string;
  sector: string | null;
  criticalAssets: number;
  orgs: number;
}

/** Assets of criticality 'critical' or designated critical infrastructure, by region and sector. */
export async function criticalAssetFigures(
  db: Queryable,
  actor: Actor,
  region?: string,
): Promise<CriticalAssetCell[]> {
  const params: unknown[] = [];
  let w = visibleOrgsSql(actor, 'a.org_id', params);
  if (region) {
    params.push(region, belowRegion(region));
    w += ` AND (a.region = $${params.length - 1} OR a.region LIKE $${params.length})`;
  }
  const r = await db.query<{ region: string; sector: string | null; n: number; orgs: number }>(
    `SELECT a.region, a.sector, count(*)::int AS n, count(DISTINCT a.org_id)::int AS orgs
     FROM assets a WHERE ${w} AND (a.criticality = 'critical' OR a.critical_infrastructure)
     GROUP BY a.region, a.sector`,
    params,
  );
  return r.rows.map((x) => ({ region: x.region, sector: x.sector, criticalAssets: x.n, orgs: x.orgs }));
}

/**
 * Critical assets (as above) per organization within `region`'s subtree, optionally of one sector:
 * the drill-down's per-organization ratio of open critical/high exposures to critical assets.
 */
export async function criticalAssetsByOrg(
  db: Queryable,
  actor: Actor,
  region: string,
  sector?: string,
): Promise<{ org: string; criticalAssets: number }[]> {
  const params: unknown[] = [];
  let w = visibleOrgsSql(actor, 'a.org_id', params);
  params.push(region, belowRegion(region));
  w += ` AND (a.region = $${params.length - 1} OR a.region LIKE $${params.length})`;
  if (sector !== undefined) {
    params.push(sector);
    w += ` AND a.sector = $${params.length}`;
  }
  const r = await db.query<{ org: string; n: number }>(
    `SELECT a.org_id::text AS org, count(*)::int AS n
     FROM assets a WHERE ${w} AND (a.criticality = 'critical' OR a.critical_infrastructure)
     GROUP BY a.org_id`,
    params,
  );
  return r.rows.map((x) => ({ org: x.org, criticalAssets: x.n }));
}
