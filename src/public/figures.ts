// Read-only figures for the metrics domain (issue 13): public reports by region and month and the
// triage backlog. Public reports belong to the centre; an organization sees the counts of its own
// region and the regions below it (a city its city), never single reports.
import type { Actor } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';

export interface PublicReportCell {
  region: string | null;
  month: string;
  reports: number;
  awaitingTriage: number;
}

export async function publicReportFigures(
  db: Queryable,
  actor: Actor,
  since: Date,
  within?: string,
): Promise<PublicReportCell[]> {
  // `within` narrows to a region inside the actor's own (the caller checks that it is).
  const region = within ?? actor.org.region;
  const r = await db.query(
    `SELECT p.region, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS reports,
       count(*) FILTER (WHERE p.status = 'received')::int AS "awaitingTriage"
     FROM public_reports p
     WHERE p.created_at >= $1 AND p.duplicate_of IS NULL
       AND (p.region = $2 OR p.region LIKE $3 OR ($4 AND p.region IS NULL))
     GROUP BY 1, 2`,
    [
      since.toISOString(),
      region,
      `${region.replace(/[\\%_]/g, (c) => `\\${c}`)}-%`,
      actor.org.kind === 'coordination-centre' && !within,
    ],
  );
  return r.rows as unknown as PublicReportCell[];
}

/**
 * Every region's public reports by month (duplicates apart) and those awaiting triage, for the
 * metrics domain's roll-up, which scopes them when read as `publicReportFigures` does.
 */
export async function publicReportCells(db: Queryable): Promise<PublicReportCell[]> {
  const r = await db.query(
    `SELECT p.region, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::int AS reports,
       count(*) FILTER (WHERE p.status = 'received')::int AS "awaitingTriage"
     FROM public_reports p WHERE p.duplicate_of IS NULL GROUP BY 1, 2`,
  );
  return r.rows as unknown as PublicReportCell[];
}
