// All SQL of the exposures domain.
import type { Queryable } from '../platform/db/types.ts';
import { nextTurn } from '../platform/threads.ts';
import type { ExposureStatus } from './policy.ts';

export interface ExposureRow {
  id: string;
  orgId: string;
  assetId: string;
  advisoryId: string;
  sector: string | null;
  region: string;
  ecosystem: string;
  package: string;
  normalizedName: string;
  version: string;
  purl: string | null;
  status: ExposureStatus;
  severityScore: string | null;
  severityRating: string | null;
  kev: boolean;
  priority: number;
  due: string;
  firstSeen: Date;
  openedAt: Date;
  resolvedAt: Date | null;
  reopened: number;
  note: string | null;
  versionNo: number;
  updatedAt: Date;
}

const COLUMNS = `e.id, e.org_id AS "orgId", e.asset_id AS "assetId", e.advisory_id AS "advisoryId", e.sector, e.region,
  e.ecosystem, e.package, e.normalized_name AS "normalizedName", e.version, e.purl, e.status,
  e.severity_score AS "severityScore", e.severity_rating AS "severityRating", e.kev, e.priority, e.due::text AS due,
  e.first_seen AS "firstSeen", e.opened_at AS "openedAt", e.resolved_at AS "resolvedAt", e.reopened, e.note, e.version_no AS "versionNo",
  e.updated_at AS "updatedAt"`;

/** Exposures in a scope: those of some assets, of some advisories, or all of them. */
export type Scope = { assets: string[] } | { advisories: string[] } | { all: true };

export async function exposuresIn(db: Queryable, scope: Scope): Promise<ExposureRow[]> {
  let r: { rows: unknown[] };
  if ('assets' in scope)
    r = await db.query(`SELECT ${COLUMNS} FROM exposures e WHERE e.asset_id = ANY($1::uuid[])`, [
      scope.assets,
    ]);
  else if ('advisories' in scope)
    r = await db.query(`SELECT ${COLUMNS} FROM exposures e WHERE e.advisory_id = ANY($1::text[])`, [
      scope.advisories,
    ]);
  else r = await db.query(`SELECT ${COLUMNS} FROM exposures e`);
  return r.rows as unknown as ExposureRow[];
}

export interface NewExposure {
  id: string;
  orgId: string;
  assetId: string;
  advisoryId: string;
  sector: string | null;
  region: string;
  ecosystem: string;
  package: string;
  normalizedName: string;
  version: string;
  purl: string | null;
  severityScore: number | null;
  severityRating: string | null;
  kev: boolean;
  priority: number;
  due: string;
  firstSeen: Date;
}

// Rows per statement: on PGlite every statement runs on the main thread, so a statement is a
// turn of the event loop that /healthz waits behind. 250 exposure rows took 15-35 ms (over
// 100 ms now and then); 100 take a few milliseconds, and other requests are answered between
// statements (issue 8 #7).
const CHUNK = 100;

export async function insertExposures(db: Queryable, list: NewExposure[]): Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    const p = list.slice(i, i + CHUNK);
    await db.query(
      `INSERT INTO exposures (id, org_id, asset_id, advisory_id, sector, region, ecosystem, package, normalized_name,
         version, purl, status, severity_score, severity_rating, kev, priority, due, first_seen, opened_at, updated_at)
       SELECT t.id, t.org, t.asset, t.advisory, t.sector, t.region, t.ecosystem, t.package, t.nname, t.version,
         t.purl, 'open', t.score::numeric, t.rating, t.kev, t.priority, t.due::date, t.seen, t.seen, t.seen
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::boolean[], $15::int[], $16::text[],
         $17::timestamptz[])
         AS t(id, org, asset, advisory, sector, region, ecosystem, package, nname, version, purl, score, rating, kev,
           priority, due, seen)`,
      [
        p.map((e) => e.id),
        p.map((e) => e.orgId),
        p.map((e) => e.assetId),
        p.map((e) => e.advisoryId),
        p.map((e) => e.sector),
        p.map((e) => e.region),
        p.map((e) => e.ecosystem),
        p.map((e) => e.package),
        p.map((e) => e.normalizedName),
        p.map((e) => e.version),
        p.map((e) => e.purl),
        p.map((e) => (e.severityScore === null ? null : String(e.severityScore))),
        p.map((e) => e.severityRating),
        p.map((e) => e.kev),
        p.map((e) => e.priority),
        p.map((e) => e.due),
        p.map((e) => e.firstSeen.toISOString()),
      ],
    );
  }
}

export interface ExposureChange {
  id: string;
  status: ExposureStatus;
  versionNo: number;
  priority: number;
  due: string;
  kev: boolean;
  severityScore: number | null;
  severityRating: string | null;
  reopened: number;
  resolvedAt: Date | null;
  /** Set when the exposure (re)opens: the due date counts from here. */
  openedAt?: Date;
  note: string | null;
}

/** Applies state changes (status, priority, due …) to many exposures in one statement. */
export async function updateExposures(db: Queryable, list: ExposureChange[]): Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    const p = list.slice(i, i + CHUNK);
    await db.query(
      `UPDATE exposures e SET status = t.status, version_no = t.vno, priority = t.priority, due = t.due::date,
         kev = t.kev, severity_score = t.score::numeric, severity_rating = t.rating, reopened = t.reopened,
         resolved_at = t.resolved::timestamptz, note = t.note, opened_at = coalesce(t.opened::timestamptz, e.opened_at),
         updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[], $6::boolean[], $7::text[], $8::text[],
         $9::int[], $10::text[], $11::text[], $12::text[])
         AS t(id, status, vno, priority, due, kev, score, rating, reopened, resolved, note, opened)
       WHERE e.id = t.id`,
      [
        p.map((c) => c.id),
        p.map((c) => c.status),
        p.map((c) => c.versionNo),
        p.map((c) => c.priority),
        p.map((c) => c.due),
        p.map((c) => c.kev),
        p.map((c) => (c.severityScore === null ? null : String(c.severityScore))),
        p.map((c) => c.severityRating),
        p.map((c) => c.reopened),
        p.map((c) => c.resolvedAt?.toISOString() ?? null),
        p.map((c) => c.note),
        p.map((c) => c.openedAt?.toISOString() ?? null),
      ],
    );
  }
}

export interface ExposureFilter {
  ids?: string[];
  asset?: string;
  assets?: string[];
  advisory?: string;
  org?: string;
  status?: ExposureStatus[];
  severity?: string[];
  kev?: boolean;
  sector?: string;
  region?: string;
  limit: number;
  offset: number;
}

export type VisibleSql = (column: string, params: unknown[]) => string;

export async function listExposures(
  db: Queryable,
  visible: VisibleSql,
  f: ExposureFilter,
): Promise<{ rows: ExposureRow[]; total: number }> {
  const params: unknown[] = [];
  const where = [visible('e.org_id', params)];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (f.ids) add((n) => `e.id = ANY($${n}::uuid[])`, f.ids);
  if (f.asset) add((n) => `e.asset_id = $${n}`, f.asset);
  if (f.assets) add((n) => `e.asset_id = ANY($${n}::uuid[])`, f.assets);
  if (f.advisory) add((n) => `e.advisory_id = $${n}`, f.advisory);
  if (f.org) add((n) => `e.org_id = $${n}`, f.org);
  if (f.status?.length) add((n) => `e.status = ANY($${n}::text[])`, f.status);
  if (f.severity?.length)
    add((n) => `coalesce(e.severity_rating, 'unknown') = ANY($${n}::text[])`, f.severity);
  if (f.kev !== undefined) add((n) => `e.kev = $${n}`, f.kev);
  if (f.sector) add((n) => `e.sector = $${n}`, f.sector);
  if (f.region) add((n) => `(e.region = $${n} OR e.region LIKE $${n} || '-%')`, f.region);
  const w = where.join(' AND ');
  const total = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM exposures e WHERE ${w}`,
    params,
  );
  params.push(f.limit, f.offset);
  const r = await db.query(
    `SELECT ${COLUMNS} FROM exposures e WHERE ${w}
     ORDER BY (e.status = 'resolved'), e.priority DESC, e.due, e.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows: r.rows as unknown as ExposureRow[], total: total.rows[0]!.n };
}

export async function findExposures(
  db: Queryable,
  ids: string[],
  forUpdate: boolean,
): Promise<ExposureRow[]> {
  const r = await db.query(
    `SELECT ${COLUMNS} FROM exposures e WHERE e.id = ANY($1::uuid[])${forUpdate ? ' FOR UPDATE' : ''}`,
    [ids],
  );
  return r.rows as unknown as ExposureRow[];
}

export async function countsByStatus(db: Queryable, visible: VisibleSql): Promise<Record<string, number>> {
  const params: unknown[] = [];
  const r = await db.query<{ status: string; n: number }>(
    `SELECT e.status, count(*)::int AS n FROM exposures e WHERE ${visible('e.org_id', params)} GROUP BY e.status`,
    params,
  );
  return Object.fromEntries(r.rows.map((x) => [x.status, x.n]));
}
