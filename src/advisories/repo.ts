// All SQL of the advisories domain: OSV advisories and the CISA KEV catalogue.
import type { Queryable } from '../platform/db/types.ts';
import { nextTurn } from '../platform/threads.ts';
import type { KevEntry, OsvAdvisory } from './import/index.ts';
import { escapeLike } from '../platform/db/like.ts';

export interface AdvisoryRow {
  id: string;
  /** ISO 8601 text (see `iso`). */
  modified: string;
  published: string | null;
  withdrawn: string | null;
  aliases: string[];
  summary: string | null;
  severityScore: string | null;
  severityRating: string | null;
  severityVector: string | null;
  packages: string[];
  source: string | null;
  version: number;
  importedAt: Date;
  /** The source that owns the advisory (organization + feed). */
  ownerOrg: string | null;
  ownerFeed: string | null;
}

// Times leave the database as ISO text: the Go database dates entries "0001-01-01", which the
// drivers' Date parsing turns into 1901 or 2001.
const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COLUMNS = `v.id, ${iso('v.modified')} AS modified, ${iso('v.published')} AS published, ${iso('v.withdrawn')} AS withdrawn, v.aliases, v.summary, v.severity_score AS "severityScore",
  v.severity_rating AS "severityRating", v.severity_vector AS "severityVector", v.packages, v.source, v.version,
  v.imported_at AS "importedAt", v.owner_org AS "ownerOrg", v.owner_feed AS "ownerFeed"`;

export interface StoredVersion {
  modifiedMs: number;
  version: number;
  ownerOrg: string | null;
  ownerFeed: string | null;
}

/** The stored version and owner of each id; locks the rows so that two imports do not race past the owner check. */
export async function existingVersions(db: Queryable, ids: string[]): Promise<Map<string, StoredVersion>> {
  const r = await db.query<{
    id: string;
    ms: number;
    version: number;
    ownerOrg: string | null;
    ownerFeed: string | null;
  }>(
    `SELECT id, (extract(epoch FROM modified) * 1000)::float8 AS ms, version, owner_org AS "ownerOrg",
       owner_feed AS "ownerFeed" FROM advisories WHERE id = ANY($1::text[]) FOR UPDATE`,
    [ids],
  );
  return new Map(
    r.rows.map((x) => [
      x.id,
      { modifiedMs: Number(x.ms), version: x.version, ownerOrg: x.ownerOrg, ownerFeed: x.ownerFeed },
    ]),
  );
}

/** Who supplied a version and how (table advisory_versions). */
export interface Provenance {
  org: string;
  supplierKind: 'user' | 'token' | 'local';
  supplierId: string;
  feed: string;
  channel: string;
  entry: string | null;
  takenOverFrom: string | null;
}

export interface AdvisoryWrite {
  advisory: OsvAdvisory;
  version: number;
  source: string | null;
  severity: { score: number; rating: string; vector: string } | null;
  packages: string[];
  provenance: Provenance;
}

// Rows per statement; other requests are answered between statements (on PGlite, which runs on
// the main thread, 200 advisories with their documents take a few milliseconds).
const CHUNK = 200;
/**
 * Advisories with their documents per statement: PGlite parses the JSON of a statement on the
 * main thread, and 200 Go documents took 40-100 ms in one statement (issue 8 #7).
 */
const DOC_CHUNK = 50;

export async function upsertAdvisories(db: Queryable, list: AdvisoryWrite[]): Promise<void> {
  for (let i = 0; i < list.length; i += DOC_CHUNK) {
    if (i > 0) await nextTurn();
    const part = list.slice(i, i + DOC_CHUNK);
    await db.query(
      `INSERT INTO advisories (id, modified, published, withdrawn, aliases, summary, severity_score, severity_rating,
         severity_vector, packages, doc, source, version, owner_org, owner_feed)
       SELECT t.id, t.modified::timestamptz, t.published::timestamptz, t.withdrawn::timestamptz,
         ARRAY(SELECT jsonb_array_elements_text(t.aliases::jsonb)), t.summary, t.score::numeric, t.rating, t.vector,
         ARRAY(SELECT jsonb_array_elements_text(t.packages::jsonb)), t.doc::jsonb, t.source, t.version, t.owner_org::uuid, t.owner_feed
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::int[], $14::text[], $15::text[])
         AS t(id, modified, published, withdrawn, aliases, summary, score, rating, vector, packages, doc, source, version,
           owner_org, owner_feed)
       ON CONFLICT (id) DO UPDATE SET modified = EXCLUDED.modified, published = EXCLUDED.published,
         withdrawn = EXCLUDED.withdrawn, aliases = EXCLUDED.aliases, summary = EXCLUDED.summary,
         severity_score = EXCLUDED.severity_score, severity_rating = EXCLUDED.severity_rating,
         severity_vector = EXCLUDED.severity_vector, packages = EXCLUDED.packages, doc = EXCLUDED.doc,
         source = EXCLUDED.source, version = EXCLUDED.version, owner_org = EXCLUDED.owner_org,
         owner_feed = EXCLUDED.owner_feed, imported_at = now()`,
      [
        part.map((w) => w.advisory.id),
        part.map((w) => w.advisory.modified),
        part.map((w) => w.advisory.published ?? null),
        part.map((w) => w.advisory.withdrawn ?? null),
        // Lists travel as one JSON array per row: no separator character can split an alias or a name.
        part.map((w) => JSON.stringify(w.advisory.aliases)),
        part.map((w) => w.advisory.summary ?? null),
        part.map((w) => (w.severity ? String(w.severity.score) : null)),
        part.map((w) => w.severity?.rating ?? null),
        part.map((w) => w.severity?.vector ?? null),
        // Package keys contain a NUL byte between ecosystem and name, which text cannot hold: store "ecosystem/name".
        part.map((w) => JSON.stringify(w.packages)),
        part.map((w) => JSON.stringify(w.advisory)),
        part.map((w) => w.provenance.entry),
        part.map((w) => w.version),
        part.map((w) => w.provenance.org),
        part.map((w) => w.provenance.feed),
      ],
    );
  }
}

/** One provenance row per stored version (after upsertAdvisories, in the same transaction). */
export async function insertAdvisoryVersions(db: Queryable, list: AdvisoryWrite[]): Promise<void> {
  for (let i = 0; i < list.length; i += CHUNK) {
    if (i > 0) await nextTurn();
    const part = list.slice(i, i + CHUNK);
    await db.query(
      `INSERT INTO advisory_versions (advisory_id, version, modified, withdrawn, supplier_org, supplier_kind,
         supplier_id, feed, channel, entry, taken_over_from)
       SELECT t.id, t.version, t.modified::timestamptz, t.withdrawn::timestamptz, t.org::uuid, t.kind, t.supplier,
         t.feed, t.channel, t.entry, t.taken
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::text[], $11::text[])
         AS t(id, version, modified, withdrawn, org, kind, supplier, feed, channel, entry, taken)`,
      [
        part.map((w) => w.advisory.id),
        part.map((w) => w.version),
        part.map((w) => w.advisory.modified),
        part.map((w) => w.advisory.withdrawn ?? null),
        part.map((w) => w.provenance.org),
        part.map((w) => w.provenance.supplierKind),
        part.map((w) => w.provenance.supplierId),
        part.map((w) => w.provenance.feed),
        part.map((w) => w.provenance.channel),
        part.map((w) => w.provenance.entry),
        part.map((w) => w.provenance.takenOverFrom),
      ],
    );
  }
}

export interface AdvisoryVersionRow {
  version: number;
  modified: string;
  withdrawn: string | null;
  supplierOrg: string | null;
  supplierKind: 'user' | 'token' | 'local' | null;
  supplierId: string | null;
  feed: string;
  channel: string;
  entry: string | null;
  takenOverFrom: string | null;
  importedAt: Date;
}

/** The provenance of every stored version of an advisory, newest first. */
export async function advisoryVersions(db: Queryable, id: string): Promise<AdvisoryVersionRow[]> {
  const r = await db.query(
    `SELECT version, ${iso('modified')} AS modified, ${iso('withdrawn')} AS withdrawn, supplier_org AS "supplierOrg",
       supplier_kind AS "supplierKind", supplier_id AS "supplierId", feed, channel, entry,
       taken_over_from AS "takenOverFrom", imported_at AS "importedAt"
     FROM advisory_versions WHERE advisory_id = $1 ORDER BY version DESC LIMIT 100`,
    [id],
  );
  return r.rows as unknown as AdvisoryVersionRow[];
}

export interface AdvisoryListFilter {
  q?: string;
  ecosystem?: string;
  kev?: boolean;
  withdrawn?: boolean;
  limit: number;
  offset: number;
}

export async function listAdvisories(
  db: Queryable,
  f: AdvisoryListFilter,
): Promise<{ rows: (AdvisoryRow & { kevDue: string | null })[]; total: number }> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (f.q) {
    params.push(f.q.toUpperCase(), `%${escapeLike(f.q.toLowerCase())}%`);
    where.push(
      `(upper(v.id) = $${params.length - 1} OR $${params.length - 1} = ANY(SELECT upper(x) FROM unnest(v.aliases) x)
        OR lower(coalesce(v.summary, '')) LIKE $${params.length} OR EXISTS (SELECT 1 FROM unnest(v.packages) p WHERE lower(p) LIKE $${params.length}))`,
    );
  }
  if (f.ecosystem) {
    params.push(`${f.ecosystem}/%`);
    where.push(`EXISTS (SELECT 1 FROM unnest(v.packages) p WHERE p LIKE $${params.length})`);
  }
  if (f.kev !== undefined)
    where.push(
      `${f.kev ? '' : 'NOT '}EXISTS (SELECT 1 FROM kev_entries k WHERE k.cve_id = v.id OR k.cve_id = ANY(v.aliases))`,
    );
  if (f.withdrawn !== undefined) where.push(`v.withdrawn IS ${f.withdrawn ? 'NOT ' : ''}NULL`);
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM advisories v ${w}`, params);
  params.push(f.limit, f.offset);
  const r = await db.query(
    `SELECT ${COLUMNS}, (SELECT min(k.due_date)::text FROM kev_entries k WHERE k.cve_id = v.id OR k.cve_id = ANY(v.aliases)) AS "kevDue"
     FROM advisories v ${w} ORDER BY v.modified DESC, v.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return { rows: r.rows as unknown as (AdvisoryRow & { kevDue: string | null })[], total: total.rows[0]!.n };
}

export async function findAdvisory(
  db: Queryable,
  id: string,
): Promise<(AdvisoryRow & { doc: OsvAdvisory; kevDue: string | null }) | undefined> {
  const r = await db.query(
    `SELECT ${COLUMNS}, v.doc, (SELECT min(k.due_date)::text FROM kev_entries k WHERE k.cve_id = v.id OR k.cve_id = ANY(v.aliases)) AS "kevDue"
     FROM advisories v WHERE v.id = $1`,
    [id],
  );
  return r.rows[0] as unknown as (AdvisoryRow & { doc: OsvAdvisory; kevDue: string | null }) | undefined;
}

/** Every advisory document not withdrawn, page by page (the exposure index compiles them at start). */
export async function* activeAdvisoryDocs(db: Queryable, pageSize = 2000): AsyncGenerator<OsvAdvisory[]> {
  let after = '';
  for (;;) {
    const r = await db.query<{ id: string; doc: OsvAdvisory }>(
      'SELECT id, doc FROM advisories WHERE withdrawn IS NULL AND id > $1 ORDER BY id LIMIT $2',
      [after, pageSize],
    );
    if (r.rows.length === 0) return;
    after = r.rows[r.rows.length - 1]!.id;
    yield r.rows.map((x) => x.doc);
    if (r.rows.length < pageSize) return;
  }
}

export interface AdvisoryFactsRow {
  id: string;
  aliases: string[];
  severityScore: string | null;
  severityRating: string | null;
  kevDue: string | null;
  /** Without a score of its own: the highest-scored other advisory that shares an id or alias. */
  aliasSeverity: { advisory: string; score: number | string; rating: string | null } | null;
  /** The highest EPSS score among the advisory's id and aliases. */
  epss: { cve: string; score: number | string; percentile: number | string; date: string | null } | null;
}

/**
 * The ids of the advisories whose id or one of whose aliases is in the text array `$n`: one
 * descent of the aliases' GIN index per name (migration 0870) and of the primary key.
 * `aliases && $n OR id = ANY($n)` is planned as a scan of every advisory comparing its aliases
 * with the whole list: about 100 ms for a group of 250 at 4,000 stored advisories on PGlite,
 * growing with the table, on the main thread (issue 8 #7).
 */
function namedBy(n: number): string {
  return `ARRAY(SELECT na.id FROM unnest($${n}::text[]) AS nq(name) JOIN advisories na ON na.aliases @> ARRAY[nq.name]
    UNION SELECT nq.name FROM unnest($${n}::text[]) AS nq(name))`;
}

const FACTS = `v.id, v.aliases, v.severity_score AS "severityScore", v.severity_rating AS "severityRating",
  (SELECT min(k.due_date)::text FROM kev_entries k WHERE k.cve_id = v.id OR k.cve_id = ANY(v.aliases)) AS "kevDue",
  NULL AS "aliasSeverity", NULL AS epss`;

/**
 * An alias's severity for the rows without a score of their own: another advisory, not withdrawn,
 * that the advisory names, that names it, or that names one of the same aliases (a GHSA and a Go
 * entry both naming one CVE); the highest score wins, ties by id, so every process picks the same
 * one. One query for all the rows: a correlated `aliases &&` per row is planned as a scan of every
 * advisory per row (13 s for the 4,300 of the Go database on PGlite).
 */
async function withAliasSeverity(db: Queryable, rows: AdvisoryFactsRow[]): Promise<AdvisoryFactsRow[]> {
  await withEpss(db, rows);
  const unscored = rows.filter((r) => r.severityScore === null);
  if (unscored.length === 0) return rows;
  const names = [...new Set(unscored.flatMap((r) => [r.id, ...r.aliases]))];
  const r = await db.query<{ id: string; aliases: string[]; score: string; rating: string | null }>(
    `SELECT a.id, a.aliases, a.severity_score::text AS score, a.severity_rating AS rating FROM advisories a
     WHERE a.severity_score IS NOT NULL AND a.withdrawn IS NULL AND a.id = ANY(${namedBy(1)})`,
    [names],
  );
  const byName = new Map<string, { id: string; score: number; rating: string | null }[]>();
  for (const c of r.rows)
    for (const name of [c.id, ...c.aliases]) {
      const list = byName.get(name) ?? [];
      list.push({ id: c.id, score: Number(c.score), rating: c.rating });
      byName.set(name, list);
    }
  for (const row of unscored) {
    let best: { id: string; score: number; rating: string | null } | undefined;
    for (const name of [row.id, ...row.aliases])
      for (const c of byName.get(name) ?? [])
        if (c.id !== row.id && (!best || c.score > best.score || (c.score === best.score && c.id < best.id)))
          best = c;
    row.aliasSeverity = best ? { advisory: best.id, score: best.score, rating: best.rating } : null;
  }
  return rows;
}

/** The highest EPSS score among each row's id and aliases (one query for all the rows). */
async function withEpss(db: Queryable, rows: AdvisoryFactsRow[]): Promise<void> {
  if (rows.length === 0) return;
  const names = [...new Set(rows.flatMap((r) => [r.id, ...r.aliases]))];
  const r = await db.query<{ cve: string; score: string; percentile: string; date: string | null }>(
    `SELECT cve, score::text AS score, percentile::text AS percentile, score_date::text AS date
     FROM epss_scores WHERE cve = ANY($1::text[])`,
    [names],
  );
  if (r.rows.length === 0) return;
  const byCve = new Map(r.rows.map((x) => [x.cve, x]));
  for (const row of rows) {
    let best: (typeof r.rows)[number] | undefined;
    for (const name of [row.id, ...row.aliases]) {
      const e = byCve.get(name);
      if (
        e &&
        (!best || Number(e.score) > Number(best.score) || (e.score === best.score && e.cve < best.cve))
      )
        best = e;
    }
    row.epss = best
      ? { cve: best.cve, score: Number(best.score), percentile: Number(best.percentile), date: best.date }
      : null;
  }
}

export async function advisoryFacts(db: Queryable, ids?: string[]): Promise<AdvisoryFactsRow[]> {
  const r = ids
    ? await db.query(`SELECT ${FACTS} FROM advisories v WHERE v.id = ANY($1::text[])`, [ids])
    : await db.query(`SELECT ${FACTS} FROM advisories v`);
  return withAliasSeverity(db, r.rows as unknown as AdvisoryFactsRow[]);
}

/** Advisories whose id or aliases name one of these CVEs (KEV entries reach both). */
export async function advisoriesWithAliases(db: Queryable, cves: string[]): Promise<AdvisoryFactsRow[]> {
  // An advisory whose own id is the CVE (as OSV's Linux kernel entries are) counts too.
  const r = await db.query(`SELECT ${FACTS} FROM advisories v WHERE v.id = ANY(${namedBy(1)})`, [cves]);
  return withAliasSeverity(db, r.rows as unknown as AdvisoryFactsRow[]);
}

/** Advisories whose id or aliases name one of these ids (CVEs, GHSAs …), except those in `except`. */
export async function advisoriesNaming(
  db: Queryable,
  names: string[],
  except: string[] = [],
): Promise<AdvisoryFactsRow[]> {
  const r = await db.query(
    `SELECT ${FACTS} FROM advisories v
     WHERE v.id = ANY(${namedBy(1)}) AND NOT (v.id = ANY($2::text[]))`,
    [names, except],
  );
  return withAliasSeverity(db, r.rows as unknown as AdvisoryFactsRow[]);
}

export interface EpssRow {
  cve: string;
  score: number;
  percentile: number;
}

/** Replaces the EPSS scores of these CVEs (one model version and date for the whole file). */
export async function upsertEpss(
  db: Queryable,
  modelVersion: string | null,
  scoreDate: string | null,
  rows: EpssRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    await db.query(
      `INSERT INTO epss_scores (cve, score, percentile, model_version, score_date)
       SELECT t.cve, t.score::numeric, t.pct::numeric, $1, $2::date
       FROM unnest($3::text[], $4::text[], $5::text[]) AS t(cve, score, pct)
       ON CONFLICT (cve) DO UPDATE SET score = EXCLUDED.score, percentile = EXCLUDED.percentile,
         model_version = EXCLUDED.model_version, score_date = EXCLUDED.score_date, imported_at = now()`,
      [
        modelVersion,
        scoreDate,
        part.map((r) => r.cve),
        part.map((r) => String(r.score)),
        part.map((r) => String(r.percentile)),
      ],
    );
  }
}

/** Whether an EPSS file of this model version and date was imported already. */
export async function epssDateSeen(db: Queryable, modelVersion: string | null, scoreDate: string | null) {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM epss_scores WHERE model_version IS NOT DISTINCT FROM $1
       AND score_date IS NOT DISTINCT FROM $2::date`,
    [modelVersion, scoreDate],
  );
  return r.rows[0]!.n > 0;
}

export async function upsertKev(db: Queryable, catalogVersion: string, entries: KevEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    const part = entries.slice(i, i + CHUNK);
    await db.query(
      `INSERT INTO kev_entries (cve_id, date_added, due_date, vendor_project, product, name, ransomware, entry, catalog_version)
       SELECT t.cve, t.added::date, t.due::date, t.vendor, t.product, t.name, t.ransomware, t.entry::jsonb, $1
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::boolean[], $9::text[])
         AS t(cve, added, due, vendor, product, name, ransomware, entry)
       ON CONFLICT (cve_id) DO UPDATE SET date_added = EXCLUDED.date_added, due_date = EXCLUDED.due_date,
         vendor_project = EXCLUDED.vendor_project, product = EXCLUDED.product, name = EXCLUDED.name,
         ransomware = EXCLUDED.ransomware, entry = EXCLUDED.entry, catalog_version = EXCLUDED.catalog_version,
         imported_at = now()`,
      [
        catalogVersion,
        part.map((e) => e.cveId),
        part.map((e) => e.dateAdded),
        part.map((e) => e.dueDate),
        part.map((e) => e.vendorProject),
        part.map((e) => e.product),
        part.map((e) => e.vulnerabilityName),
        part.map((e) => e.ransomware),
        part.map((e) => JSON.stringify(e)),
      ],
    );
  }
}

export async function kevDueDates(db: Queryable, cves: string[]): Promise<Map<string, string>> {
  const r = await db.query<{ cve: string; due: string }>(
    'SELECT cve_id AS cve, due_date::text AS due FROM kev_entries WHERE cve_id = ANY($1::text[])',
    [cves],
  );
  return new Map(r.rows.map((x) => [x.cve, x.due]));
}

export async function countKev(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM kev_entries');
  return r.rows[0]!.n;
}

export async function catalogVersionSeen(db: Queryable, catalogVersion: string): Promise<boolean> {
  const r = await db.query('SELECT 1 FROM kev_entries WHERE catalog_version = $1 LIMIT 1', [catalogVersion]);
  return r.rows.length > 0;
}

/** The latest advisory import time, read from an index: a cheap fingerprint of other processes' writes. */
export async function advisoriesFingerprint(db: Queryable): Promise<string> {
  const r = await db.query<{ f: string }>(
    `SELECT concat_ws('/', (SELECT max(imported_at) FROM advisories)) AS f`,
  );
  return r.rows[0]!.f;
}

/**
 * The latest KEV and EPSS import times (read from indexes): what advisories are ranked by changed,
 * not what they match, so a reader re-reads the facts without rebuilding its index.
 */
export async function advisoryFactsFingerprint(db: Queryable): Promise<string> {
  const r = await db.query<{ f: string }>(
    `SELECT concat_ws('/', (SELECT max(imported_at) FROM kev_entries), (SELECT max(imported_at) FROM epss_scores)) AS f`,
  );
  return r.rows[0]!.f;
}
