// Read-only figures for the metrics domain (issue 13): public reports by region and month and the
// triage backlog. Public reports belong to the centre; an organization sees the counts of its own
// region and the regions below it (a city its city), never single reports.
import { type Actor, visibleOrgsSql } from '../access/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import { belowRegion } from '../platform/db/like.ts';

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
    [since.toISOString(), region, belowRegion(region), actor.org.kind === 'coordination-centre' && !within],
  );
  return r.rows as unknown as PublicReportCell[];
}

/** A public report's cell: its region (null: none given) and the month it was received. */
export interface PublicReportCellKey {
  region: string | null;
  month: string;
}

/**
 * Every region's public reports by month (duplicates apart) and those awaiting triage, for the
 * metrics domain's roll-up, which scopes them when read as `publicReportFigures` does; `only`: just
 * those cells (the ones the events `public.report_filed` and `public.report_decided` name).
 */
export async function publicReportCells(
  db: Queryable,
  only?: readonly PublicReportCellKey[],
): Promise<PublicReportCell[]> {
  const month = `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`;
  const r = await db.query(
    `SELECT p.region, ${month} AS month, count(*)::int AS reports,
       count(*) FILTER (WHERE p.status = 'received')::int AS "awaitingTriage"
     FROM public_reports p WHERE p.duplicate_of IS NULL
     ${
       only
         ? `AND EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) k(region, month)
              WHERE k.region IS NOT DISTINCT FROM p.region AND k.month = ${month})
            AND p.created_at >= $3::date AND p.created_at < $4::date + interval '1 month'`
         : ''
     }
     GROUP BY 1, 2`,
    only
      ? [
          only.map((k) => k.region),
          only.map((k) => k.month),
          // The months' range lets PostgreSQL use the creation-time order instead of every report.
          `${only.map((k) => k.month).sort()[0]}-01`,
          `${only
            .map((k) => k.month)
            .sort()
            .at(-1)}-01`,
        ]
      : [],
  );
  return r.rows as unknown as PublicReportCell[];
}

/**
 * Time to triage (issue 13): public reports of `region` and below (and, for the centre, those that
 * name none) received from `since` on that have had a first decision, by month received and whole
 * hours from receipt to that decision (rounded up). Duplicates apart, like the counts above.
 */
export async function publicTriageTimes(
  db: Queryable,
  region: string,
  since: Date,
  withoutRegion: boolean,
): Promise<{ region: string | null; month: string; hours: number; reports: number }[]> {
  const r = await db.query(
    `SELECT p.region, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
       ceil(extract(epoch FROM d.first - p.created_at) / 3600)::int AS hours, count(*)::int AS reports
     FROM public_reports p
     JOIN (SELECT report_id, min(at) AS first FROM public_report_events WHERE kind = 'decision' GROUP BY 1) d
       ON d.report_id = p.id
     WHERE p.created_at >= $1 AND p.duplicate_of IS NULL
       AND (p.region = $2 OR p.region LIKE $3 OR ($4 AND p.region IS NULL))
     GROUP BY 1, 2, 3`,
    [since.toISOString(), region, belowRegion(region), withoutRegion],
  );
  return r.rows as unknown as { region: string | null; month: string; hours: number; reports: number }[];
}

/**
 * Operator action rate (issue 13): indicators promoted from public reports and published from
 * `since` on, and how many of them an organization the actor may see (the access rule) answered
 * (blocked, taken down or refused), and how many it blocked or took down.
 */
export async function indicatorActionFigures(
  db: Queryable,
  actor: Actor,
  since: Date,
): Promise<{ promoted: number; answered: number; blockedOrTakenDown: number }> {
  const params: unknown[] = [];
  const w = visibleOrgsSql(actor, 'a.org_id', params);
  params.push(since.toISOString());
  const r = await db.query<{ promoted: number; answered: number; acted: number }>(
    `SELECT count(*)::int AS promoted,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM public_indicator_actions a WHERE a.indicator_id = o.indicator_id AND ${w}))::int AS answered,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM public_indicator_actions a WHERE a.indicator_id = o.indicator_id AND ${w}
         AND a.action IN ('blocked', 'taken-down')))::int AS acted
     FROM public_observables o
     WHERE o.indicator_id IS NOT NULL AND o.published_at >= $${params.length}`,
    params,
  );
  const x = r.rows[0]!;
  return { promoted: x.promoted, answered: x.answered, blockedOrTakenDown: x.acted };
}
