// All SQL of the assets domain: assets, SBOM versions and their components. Every read of SBOMs
// and components returns live SBOMs only: a staged one (staged_at set, an import in progress or
// abandoned) is seen by nothing but the import that stages it and the sweep that removes it.
import type { SbomComponent, SbomDependencies, SbomWarning } from './sbom/index.ts';
import type { Queryable } from '../platform/db/types.ts';
import { nextTurn } from '../platform/threads.ts';
import type { Criticality } from './schema.ts';
import { escapeLike } from '../platform/db/like.ts';

export interface AssetRow {
  id: string;
  orgId: string;
  name: string;
  kind: string;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  sector: string | null;
  region: string;
  domains: string[];
  addresses: string[];
  currentSbomId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const ASSET_COLUMNS = `a.id, a.org_id AS "orgId", a.name, a.kind, a.criticality,
  a.critical_infrastructure AS "criticalInfrastructure", a.sector, a.region, a.domains, a.addresses,
  a.current_sbom_id AS "currentSbomId", a.version, a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

export type VisibleSql = (column: string, params: unknown[]) => string;

export async function listAssets(
  db: Queryable,
  visible: VisibleSql,
  filter: { org?: string; q?: string; limit: number; offset: number },
): Promise<{ rows: AssetRow[]; total: number }> {
  const params: unknown[] = [];
  const where = [visible('a.org_id', params)];
  if (filter.org) {
    params.push(filter.org);
    where.push(`a.org_id = $${params.length}`);
  }
  if (filter.q) {
    params.push(`%${escapeLike(filter.q.toLowerCase())}%`);
    where.push(`lower(a.name) LIKE $${params.length}`);
  }
  const total = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM assets a WHERE ${where.join(' AND ')}`,
    params,
  );
  params.push(filter.limit, filter.offset);
  const r = await db.query(
    `SELECT ${ASSET_COLUMNS} FROM assets a WHERE ${where.join(' AND ')}
     ORDER BY a.name, a.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows: r.rows as unknown as AssetRow[], total: total.rows[0]!.n };
}

export async function findAsset(db: Queryable, id: string): Promise<AssetRow | undefined> {
  const r = await db.query(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.id = $1`, [id]);
  return r.rows[0] as unknown as AssetRow | undefined;
}

export async function findAssetByName(
  db: Queryable,
  org: string,
  name: string,
): Promise<AssetRow | undefined> {
  const r = await db.query(`SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.org_id = $1 AND a.name = $2`, [
    org,
    name,
  ]);
  return r.rows[0] as unknown as AssetRow | undefined;
}

/** Assets of that name in the organizations the caller sees (for `--asset NAME` lookups). */
export async function findAssetsByName(
  db: Queryable,
  visible: VisibleSql,
  name: string,
): Promise<AssetRow[]> {
  const params: unknown[] = [name];
  const r = await db.query(
    `SELECT ${ASSET_COLUMNS} FROM assets a WHERE a.name = $1 AND ${visible('a.org_id', params)}`,
    params,
  );
  return r.rows as unknown as AssetRow[];
}

export interface NewAsset {
  id: string;
  orgId: string;
  name: string;
  kind: string;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  sector: string | null;
  region: string;
  domains: string[];
  addresses: string[];
}

export async function insertAsset(db: Queryable, a: NewAsset): Promise<AssetRow> {
  const r = await db.query(
    `INSERT INTO assets AS a (id, org_id, name, kind, criticality, critical_infrastructure, sector, region, domains, addresses)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (org_id, name) DO NOTHING
     RETURNING ${ASSET_COLUMNS}`,
    [
      a.id,
      a.orgId,
      a.name,
      a.kind,
      a.criticality,
      a.criticalInfrastructure,
      a.sector,
      a.region,
      a.domains,
      a.addresses,
    ],
  );
  return r.rows[0] as unknown as AssetRow;
}

export async function updateAsset(
  db: Queryable,
  id: string,
  patch: {
    kind?: string;
    criticality?: Criticality;
    criticalInfrastructure?: boolean;
    domains?: string[];
    addresses?: string[];
  },
): Promise<AssetRow> {
  const r = await db.query(
    `UPDATE assets AS a SET kind = coalesce($2, kind), criticality = coalesce($3, criticality),
       critical_infrastructure = coalesce($4, critical_infrastructure), domains = coalesce($5, domains),
       addresses = coalesce($6, addresses), version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING ${ASSET_COLUMNS}`,
    [
      id,
      patch.kind ?? null,
      patch.criticality ?? null,
      patch.criticalInfrastructure ?? null,
      patch.domains ?? null,
      patch.addresses ?? null,
    ],
  );
  return r.rows[0] as unknown as AssetRow;
}

export async function setCurrentSbom(db: Queryable, asset: string, sbom: string): Promise<AssetRow> {
  const r = await db.query(
    `UPDATE assets AS a SET current_sbom_id = $2, updated_at = now()
     WHERE id = $1 RETURNING ${ASSET_COLUMNS}`,
    [asset, sbom],
  );
  return r.rows[0] as unknown as AssetRow;
}

/** A live SBOM (a staged one has no asset and no sequence number yet, and no read returns it). */
export interface SbomRow {
  id: string;
  assetId: string;
  orgId: string;
  seq: number;
  format: string;
  specVersion: string;
  serialNumber: string | null;
  subject: unknown;
  sha256: string;
  componentCount: number;
  dependencies: SbomDependencies;
  warnings: SbomWarning[];
  importedAt: Date;
}

const SBOM_COLUMNS = `s.id, s.asset_id AS "assetId", s.org_id AS "orgId", s.seq, s.format,
  s.spec_version AS "specVersion", s.serial_number AS "serialNumber", s.subject, s.sha256,
  s.component_count AS "componentCount", s.dependencies, s.warnings, s.imported_at AS "importedAt"`;

export type StagedSbom = Omit<SbomRow, 'assetId' | 'seq' | 'importedAt'>;

/**
 * Stages an SBOM: stored with no asset and no sequence number, invisible to every read until
 * `makeSbomLive` (in the import's last transaction) gives it both.
 */
export async function stageSbom(db: Queryable, s: StagedSbom): Promise<void> {
  await db.query(
    `INSERT INTO sboms (id, org_id, format, spec_version, serial_number, subject, sha256, component_count,
       dependencies, warnings, staged_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
    [
      s.id,
      s.orgId,
      s.format,
      s.specVersion,
      s.serialNumber,
      s.subject === undefined ? null : JSON.stringify(s.subject),
      s.sha256,
      s.componentCount,
      JSON.stringify(s.dependencies),
      JSON.stringify(s.warnings),
    ],
  );
}

/**
 * Refreshes a staging's heartbeat (staged_at); false when the staging is gone (swept as abandoned
 * by another process), so the import stops instead of filling an SBOM nobody will make live.
 */
export async function touchStaging(db: Queryable, sbomId: string): Promise<boolean> {
  const r = await db.query(`UPDATE sboms SET staged_at = now() WHERE id = $1 AND staged_at IS NOT NULL`, [
    sbomId,
  ]);
  return r.rowCount > 0;
}

/**
 * Makes a staged SBOM the asset's next version (sequence number, import time); undefined when
 * there is no such staging any more.
 */
export async function makeSbomLive(
  db: Queryable,
  sbomId: string,
  assetId: string,
): Promise<SbomRow | undefined> {
  const r = await db.query(
    `UPDATE sboms AS s SET asset_id = $2, staged_at = NULL, imported_at = now(),
       seq = (SELECT coalesce(max(seq), 0) + 1 FROM sboms WHERE asset_id = $2)
     WHERE s.id = $1 AND s.staged_at IS NOT NULL
     RETURNING ${SBOM_COLUMNS}`,
    [sbomId, assetId],
  );
  return r.rows[0] as unknown as SbomRow | undefined;
}

/** Staged SBOMs whose last batch is older than `idleMs` (all of them with 0). */
export async function staleStagings(db: Queryable, idleMs: number): Promise<string[]> {
  const r = await db.query<{ id: string }>(
    `SELECT id FROM sboms WHERE staged_at IS NOT NULL AND staged_at <= now() - make_interval(secs => $1)`,
    [idleMs / 1000],
  );
  return r.rows.map((x) => x.id);
}

// Components removed per statement when a staging is discarded.
const DISCARD_CHUNK = 2000;

/**
 * Removes a staged SBOM and its components, a bounded number of rows per statement (each its own
 * transaction, other requests answered in between), the SBOM row last. A live SBOM is never touched.
 */
export async function discardStaging(db: Queryable, sbomId: string): Promise<void> {
  const staged = await db.query(`SELECT 1 FROM sboms WHERE id = $1 AND staged_at IS NOT NULL`, [sbomId]);
  if (staged.rows.length === 0) return;
  for (;;) {
    const r = await db.query(
      `DELETE FROM sbom_components WHERE sbom_id = $1 AND idx IN (
         SELECT idx FROM sbom_components WHERE sbom_id = $1 ORDER BY idx LIMIT $2)`,
      [sbomId, DISCARD_CHUNK],
    );
    if (r.rowCount < DISCARD_CHUNK) break;
    await nextTurn();
  }
  await db.query(
    `DELETE FROM sboms s WHERE s.id = $1 AND s.staged_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM sbom_components c WHERE c.sbom_id = s.id)`,
    [sbomId],
  );
}

// Rows per statement: on PGlite (on the main thread) a statement of 250 components takes a few
// milliseconds.
export const COMPONENTS_PER_BATCH = 250;

/**
 * Inserts one batch of a staged SBOM's components (`start` is the index of the first) with one
 * multi-row statement (unnest of arrays).
 */
export async function insertComponents(
  db: Queryable,
  sbomId: string,
  start: number,
  part: SbomComponent[],
): Promise<void> {
  await db.query(
    `INSERT INTO sbom_components (sbom_id, idx, ref, type, name, sbom_name, grp, version, purl, ecosystem,
       normalized_name, hashes, licenses, parent_ref, relation)
     SELECT $1, t.idx, t.ref, t.type, t.name, t.sbom_name, t.grp, t.version, t.purl, t.ecosystem,
       t.normalized_name, t.hashes::jsonb,
       ARRAY(SELECT jsonb_array_elements_text(t.licenses::jsonb)), t.parent_ref, t.relation
     FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
       AS t(idx, ref, type, name, sbom_name, grp, version, purl, ecosystem, normalized_name, hashes, licenses,
         parent_ref, relation)`,
    [
      sbomId,
      part.map((_, i) => start + i),
      part.map((c) => c.ref),
      part.map((c) => c.type),
      part.map((c) => c.name),
      part.map((c) => c.sbomName),
      part.map((c) => c.group ?? null),
      part.map((c) => c.version ?? null),
      part.map((c) => c.purl ?? null),
      part.map((c) => c.ecosystem ?? null),
      part.map((c) => c.normalizedName ?? null),
      part.map((c) => JSON.stringify(c.hashes)),
      // Licences travel as one JSON array per row (unnest of a 2-D array would flatten, and a
      // separator character could be part of a licence name).
      part.map((c) => JSON.stringify(c.licenses)),
      part.map((c) => c.parentRef ?? null),
      part.map((c) => c.relation),
    ],
  );
}

export async function listSboms(db: Queryable, asset: string): Promise<SbomRow[]> {
  const r = await db.query(
    `SELECT ${SBOM_COLUMNS} FROM sboms s WHERE s.asset_id = $1 AND s.staged_at IS NULL ORDER BY s.seq DESC`,
    [asset],
  );
  return r.rows as unknown as SbomRow[];
}

export async function findSbom(db: Queryable, id: string): Promise<SbomRow | undefined> {
  const r = await db.query(`SELECT ${SBOM_COLUMNS} FROM sboms s WHERE s.id = $1 AND s.staged_at IS NULL`, [
    id,
  ]);
  return r.rows[0] as unknown as SbomRow | undefined;
}

export interface ComponentRow {
  ref: string;
  type: string;
  name: string;
  sbomName: string;
  group: string | null;
  version: string | null;
  purl: string | null;
  ecosystem: string | null;
  normalizedName: string | null;
  hashes: { algorithm: string; value: string }[];
  licenses: string[];
  parentRef: string | null;
  relation: string;
}

export async function listComponents(db: Queryable, sbom: string): Promise<ComponentRow[]> {
  const r = await db.query(
    `SELECT ref, type, name, sbom_name AS "sbomName", grp AS "group", version, purl, ecosystem,
       normalized_name AS "normalizedName", hashes, coalesce(licenses, '{}') AS licenses, parent_ref AS "parentRef", relation
     FROM sbom_components WHERE sbom_id = $1 ORDER BY idx`,
    [sbom],
  );
  return r.rows as unknown as ComponentRow[];
}

/** What the exposure engine needs of every asset, for its index and priorities. */
export interface AssetFactsRow {
  id: string;
  orgId: string;
  name: string;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  sector: string | null;
  region: string;
  internetFacing: boolean;
}

const ASSET_FACTS = `SELECT id, org_id AS "orgId", name, criticality, critical_infrastructure AS "criticalInfrastructure",
  sector, region, (cardinality(domains) + cardinality(addresses)) > 0 AS "internetFacing"
  FROM assets`;

export async function listAssetFacts(db: Queryable): Promise<AssetFactsRow[]> {
  const r = await db.query(ASSET_FACTS);
  return r.rows as unknown as AssetFactsRow[];
}

/**
 * The facts of every asset, a page at a time (keyset on the id). On the embedded database one
 * statement over 100,000 assets held the process for 1.5 s at start-up; pages let it answer between.
 */
export async function* assetFactsPages(db: Queryable, perPage = 5000): AsyncGenerator<AssetFactsRow[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const r = await db.query(`${ASSET_FACTS} WHERE id > $1 ORDER BY id LIMIT $2`, [after, perPage]);
    const rows = r.rows as unknown as AssetFactsRow[];
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < perPage) return;
    after = rows[rows.length - 1]!.id;
  }
}

export interface CurrentComponentRow {
  assetId: string;
  ecosystem: string;
  normalizedName: string;
  name: string;
  version: string;
  purl: string | null;
}

/**
 * The matchable components (with ecosystem and version) of every asset's current SBOM, a page of
 * assets at a time (keyset on the asset id, then the components of their SBOMs by primary key).
 */
export async function* currentComponents(
  db: Queryable,
  assetsPerPage = 5000,
): AsyncGenerator<CurrentComponentRow[]> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const assets = await db.query<{ id: string; sbom: string }>(
      `SELECT id, current_sbom_id AS sbom FROM assets WHERE id > $1 AND current_sbom_id IS NOT NULL
       ORDER BY id LIMIT $2`,
      [after, assetsPerPage],
    );
    if (assets.rows.length === 0) return;
    after = assets.rows[assets.rows.length - 1]!.id;
    // Each SBOM's components through the primary key (sbom_id, idx): a lateral subquery that the
    // planner may not flatten (OFFSET 0). As a plain join, an embedded database (never analysed)
    // hashed the page's SBOMs and read the whole table for every page: 105 ms a page of 500 assets
    // at 100,000 assets, 21 s for the start-up's index build.
    const r = await db.query(
      `SELECT t.asset AS "assetId", c.ecosystem, c.normalized_name AS "normalizedName", c.name, c.version, c.purl
       FROM unnest($1::uuid[], $2::uuid[]) AS t(asset, sbom)
       CROSS JOIN LATERAL (
         SELECT x.ecosystem, x.normalized_name, x.name, x.version, x.purl FROM sbom_components x
         WHERE x.sbom_id = t.sbom AND x.version IS NOT NULL AND x.ecosystem IS NOT NULL
         OFFSET 0) c`,
      [assets.rows.map((a) => a.id), assets.rows.map((a) => a.sbom)],
    );
    yield r.rows as unknown as CurrentComponentRow[];
    if (assets.rows.length < assetsPerPage) return;
  }
}

/** The latest asset and SBOM write times, read from indexes: a cheap fingerprint of other processes' writes. */
export async function assetsFingerprint(db: Queryable): Promise<string> {
  const r = await db.query<{ f: string }>(
    `SELECT concat_ws('/', (SELECT max(imported_at) FROM sboms WHERE staged_at IS NULL), (SELECT max(updated_at) FROM assets)) AS f`,
  );
  return r.rows[0]!.f;
}
