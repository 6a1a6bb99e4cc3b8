// SQL of the exposure views people act on (issue 14): the vulnerable components behind the
// remediation advice, the queue grouped by asset and component with a keyset cursor, the counts
// at the top of the list, and the VEX evidence of exposures. The engine's writes stay in repo.ts.
import type { Queryable } from '../platform/db/types.ts';
import type { ExposureStatus } from './policy.ts';
import type { ExposureRow, VisibleSql } from './repo.ts';

/** Statuses whose advisories a remediation must still clear (still running the affected version). */
export const UNFIXED_STATUSES: readonly ExposureStatus[] = [
  'open',
  'acknowledged',
  'mitigated',
  'accepted_risk',
];

export interface ViewFilter {
  asset?: string;
  assets?: string[];
  advisory?: string;
  org?: string;
  status?: ExposureStatus[];
  severity?: string[];
  kev?: boolean;
  sector?: string;
  region?: string;
}

/** The WHERE clause of a filter (visibility first), its parameters appended to `params`. */
function whereOf(visible: VisibleSql, f: ViewFilter, params: unknown[]): string {
  const where = [visible('e.org_id', params)];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
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
  return where.join(' AND ');
}

/** A package at one version on one asset, with the advisories of its unfixed exposures. */
export interface VulnerableComponent {
  assetId: string;
  orgId: string;
  ecosystem: string;
  normalizedName: string;
  package: string;
  version: string;
  purl: string | null;
  advisories: string[];
  kev: boolean;
  priority: number;
}

export async function vulnerableComponents(
  db: Queryable,
  visible: VisibleSql,
  f: Pick<ViewFilter, 'asset' | 'assets' | 'org'>,
  limit: number,
): Promise<VulnerableComponent[]> {
  const params: unknown[] = [];
  const w = whereOf(visible, { ...f, status: [...UNFIXED_STATUSES] }, params);
  params.push(limit);
  const r = await db.query(
    `SELECT e.asset_id AS "assetId", min(e.org_id::text) AS "orgId", e.ecosystem, e.normalized_name AS "normalizedName",
       min(e.package) AS package, e.version, min(e.purl) AS purl, array_agg(e.advisory_id ORDER BY e.advisory_id) AS advisories,
       bool_or(e.kev) AS kev, max(e.priority) AS priority
     FROM exposures e WHERE ${w}
     GROUP BY e.asset_id, e.ecosystem, e.normalized_name, e.version
     ORDER BY max(e.priority) DESC, e.asset_id, e.ecosystem, e.normalized_name, e.version
     LIMIT $${params.length}`,
    params,
  );
  return r.rows as unknown as VulnerableComponent[];
}

/** One group of the queue: an asset's package at a version, with its exposures folded under it. */
export interface GroupRow {
  assetId: string;
  ecosystem: string;
  normalizedName: string;
  version: string;
  package: string;
  purl: string | null;
  top: number;
  due: string;
  count: number;
  kev: boolean;
}

/** Where the next page starts: the last group of this one, in the list's order. */
export interface GroupCursor {
  top: number;
  due: string;
  asset: string;
  ecosystem: string;
  name: string;
  version: string;
}

export async function listGroups(
  db: Queryable,
  visible: VisibleSql,
  f: ViewFilter,
  page: { limit: number; after?: GroupCursor },
): Promise<{ groups: GroupRow[]; total: number }> {
  const params: unknown[] = [];
  const w = whereOf(visible, f, params);
  const grouped = `SELECT e.asset_id AS "assetId", e.ecosystem, e.normalized_name AS "normalizedName", e.version,
      min(e.package) AS package, min(e.purl) AS purl, max(e.priority) AS top, min(e.due)::text AS due,
      count(*)::int AS count, bool_or(e.kev) AS kev
    FROM exposures e WHERE ${w} GROUP BY e.asset_id, e.ecosystem, e.normalized_name, e.version`;
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${grouped}) g`, params);
  let after = '';
  if (page.after) {
    const a = page.after;
    params.push(a.top, a.due, a.asset, a.ecosystem, a.name, a.version);
    const n = params.length - 5;
    after = `WHERE g.top < $${n} OR (g.top = $${n} AND (g.due::date, g."assetId", g.ecosystem, g."normalizedName", g.version)
      > ($${n + 1}::date, $${n + 2}::uuid, $${n + 3}::text, $${n + 4}::text, $${n + 5}::text))`;
  }
  params.push(page.limit);
  const r = await db.query(
    `SELECT * FROM (${grouped}) g ${after}
     ORDER BY g.top DESC, g.due, g."assetId", g.ecosystem, g."normalizedName", g.version LIMIT $${params.length}`,
    params,
  );
  return { groups: r.rows as unknown as GroupRow[], total: total.rows[0]!.n };
}

const COLUMNS = `e.id, e.org_id AS "orgId", e.asset_id AS "assetId", e.advisory_id AS "advisoryId", e.sector, e.region,
  e.ecosystem, e.package, e.normalized_name AS "normalizedName", e.version, e.purl, e.status,
  e.severity_score AS "severityScore", e.severity_rating AS "severityRating", e.kev, e.priority, e.due::text AS due,
  e.first_seen AS "firstSeen", e.opened_at AS "openedAt", e.resolved_at AS "resolvedAt", e.reopened, e.note, e.version_no AS "versionNo",
  e.updated_at AS "updatedAt"`;

/** The exposures (matching the filter) of some groups. */
export async function exposuresOfGroups(
  db: Queryable,
  visible: VisibleSql,
  f: ViewFilter,
  groups: GroupRow[],
): Promise<ExposureRow[]> {
  if (groups.length === 0) return [];
  const params: unknown[] = [];
  const w = whereOf(visible, f, params);
  params.push(
    groups.map((g) => g.assetId),
    groups.map((g) => g.ecosystem),
    groups.map((g) => g.normalizedName),
    groups.map((g) => g.version),
  );
  const n = params.length - 3;
  const r = await db.query(
    `SELECT ${COLUMNS} FROM exposures e
     JOIN unnest($${n}::uuid[], $${n + 1}::text[], $${n + 2}::text[], $${n + 3}::text[]) AS k(asset, eco, name, version)
       ON e.asset_id = k.asset AND e.ecosystem = k.eco AND e.normalized_name = k.name AND e.version = k.version
     WHERE ${w}
     ORDER BY (e.status = 'resolved'), e.priority DESC, e.due, e.id`,
    params,
  );
  return r.rows as unknown as ExposureRow[];
}

/** Counts of the filtered exposures by status, by severity rating and KEV (each over the same filter). */
export async function countsOf(
  db: Queryable,
  visible: VisibleSql,
  f: ViewFilter,
): Promise<{ status: string; rating: string; kev: boolean; n: number }[]> {
  const params: unknown[] = [];
  const w = whereOf(visible, f, params);
  const r = await db.query<{ status: string; rating: string; kev: boolean; n: number }>(
    `SELECT e.status, coalesce(e.severity_rating, 'unknown') AS rating, e.kev, count(*)::int AS n
     FROM exposures e WHERE ${w} GROUP BY 1, 2, 3`,
    params,
  );
  return r.rows;
}

export interface VexEvidenceRow {
  exposureId: string;
  statementId: string;
  status: string;
  justification: string | null;
  impactStatement: string | null;
  actionStatement: string | null;
  author: string | null;
  format: string;
  documentId: string | null;
}

/** The latest VEX statement naming each of some exposures. */
export async function vexEvidenceOf(db: Queryable, exposureIds: string[]): Promise<VexEvidenceRow[]> {
  if (exposureIds.length === 0) return [];
  const r = await db.query(
    `SELECT x.exposure_id AS "exposureId", s.id AS "statementId", x.status, s.justification,
       s.impact_statement AS "impactStatement", s.action_statement AS "actionStatement", s.author, s.format,
       s.document_id AS "documentId"
     FROM exposure_vex x JOIN vex_statements s ON s.id = x.statement_id WHERE x.exposure_id = ANY($1::uuid[])`,
    [exposureIds],
  );
  return r.rows as unknown as VexEvidenceRow[];
}

/** Unresolved exposures of some packages (ecosystem, normalized name), for VEX statements. */
export async function exposuresOfPackages(
  db: Queryable,
  visible: VisibleSql,
  packages: { ecosystem: string; name: string }[],
): Promise<ExposureRow[]> {
  if (packages.length === 0) return [];
  const params: unknown[] = [];
  const w = whereOf(visible, {}, params);
  params.push(
    packages.map((p) => p.ecosystem),
    packages.map((p) => p.name),
  );
  const n = params.length - 1;
  const r = await db.query(
    `SELECT ${COLUMNS} FROM exposures e
     JOIN unnest($${n}::text[], $${n + 1}::text[]) AS k(eco, name) ON e.ecosystem = k.eco AND e.normalized_name = k.name
     WHERE ${w} AND e.status <> 'resolved'`,
    params,
  );
  return r.rows as unknown as ExposureRow[];
}

export interface NewVexStatement {
  id: string;
  orgId: string;
  format: string;
  documentId: string | null;
  author: string | null;
  vulnerability: string;
  products: string[];
  status: string;
  justification: string | null;
  impact: string | null;
  action: string | null;
  issued: string | null;
  statement: unknown;
  importedBy: string;
}

export async function insertVexStatements(db: Queryable, list: NewVexStatement[]): Promise<void> {
  for (const s of list)
    await db.query(
      `INSERT INTO vex_statements (id, org_id, format, document_id, author, vulnerability, products, status,
         justification, impact_statement, action_statement, issued, statement, imported_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, $13, $14)`,
      [
        s.id,
        s.orgId,
        s.format,
        s.documentId,
        s.author,
        s.vulnerability,
        s.products,
        s.status,
        s.justification,
        s.impact,
        s.action,
        s.issued,
        JSON.stringify(s.statement),
        s.importedBy,
      ],
    );
}

export async function linkVex(
  db: Queryable,
  links: { exposureId: string; statementId: string; status: string }[],
): Promise<void> {
  if (links.length === 0) return;
  await db.query(
    `INSERT INTO exposure_vex (exposure_id, statement_id, status)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
     ON CONFLICT (exposure_id) DO UPDATE SET statement_id = excluded.statement_id, status = excluded.status, applied_at = now()`,
    [links.map((l) => l.exposureId), links.map((l) => l.statementId), links.map((l) => l.status)],
  );
}
