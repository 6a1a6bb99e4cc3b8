// Read-only figures for the metrics domain (issue 13): incidents by region, sector, month and
// grade (drills and drafts apart), overdue now, and statutory reports filed within their stage's
// deadline, scoped by the access rule.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';

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

export async function incidentFigures(
  db: Queryable,
  actor: Actor,
  since: Date,
  now: Date,
  region?: string,
): Promise<{ incidents: IncidentCell[]; reports: ReportTimelinessCell[] }> {
  const params: unknown[] = [];
  let w = visibleOrgsSql(actor, 'i.org_id', params);
  if (region) {
    params.push(region, `${region.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`);
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
    p2.push(region, `${region.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`);
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
  return {
    incidents: r.rows as unknown as IncidentCell[],
    reports: s.rows as unknown as ReportTimelinessCell[],
  };
}
