// All SQL of the intel domain: collections, object versions, live indicators, sightings, TAXII
// status resources, the access log and remote feeds.
import type { Queryable, Tx } from '../platform/db/types.ts';

export interface CollectionRow {
  id: string;
  orgId: string | null;
  title: string;
  description: string;
  createdAt: Date;
}

const COLLECTION = `id, org_id AS "orgId", title, description, created_at AS "createdAt"`;

export async function listCollections(db: Queryable): Promise<CollectionRow[]> {
  const r = await db.query(`SELECT ${COLLECTION} FROM intel_collections ORDER BY org_id NULLS FIRST, title`);
  return r.rows as unknown as CollectionRow[];
}

export async function findCollection(db: Queryable, id: string): Promise<CollectionRow | undefined> {
  const r = await db.query(`SELECT ${COLLECTION} FROM intel_collections WHERE id = $1`, [id]);
  return r.rows[0] as unknown as CollectionRow | undefined;
}

export async function collectionOfOrg(
  db: Queryable,
  orgId: string | null,
): Promise<CollectionRow | undefined> {
  const r = await db.query(
    `SELECT ${COLLECTION} FROM intel_collections WHERE ${orgId === null ? 'org_id IS NULL' : 'org_id = $1'}`,
    orgId === null ? [] : [orgId],
  );
  return r.rows[0] as unknown as CollectionRow | undefined;
}

export async function insertCollection(
  db: Queryable,
  c: { id: string; orgId: string | null; title: string; description: string },
): Promise<CollectionRow> {
  await db.query(
    `INSERT INTO intel_collections (id, org_id, title, description) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [c.id, c.orgId, c.title, c.description],
  );
  return (await collectionOfOrg(db, c.orgId))!;
}

/** Serialises ingest across processes, so that seq order is date_added order is commit order. */
export async function lockIngest(tx: Tx): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('bulwark.intel.ingest'))`);
}

export interface NewObjectRow {
  collectionId: string;
  stixId: string;
  type: string;
  version: string | null;
  specVersion: string;
  orgId: string;
  authorUser: string | null;
  tlp: number;
  shareOrgs: string[];
  namedUsers: string[];
  refs: string[];
  body: string;
}

/**
 * Inserts object versions; returns, in input order, the seq of each new row or null for a repeat.
 * The rows of one call are one ingest's: one collection, author organization and author user, sent
 * once rather than as 1,000-element arrays. `envelope`: the posted envelope whose one ledger
 * commitment covers the new versions (null: each version is committed on its own).
 */
export async function insertObjects(
  tx: Tx,
  rows: readonly NewObjectRow[],
  envelope: string | null = null,
): Promise<({ seq: number; version: string } | null)[]> {
  if (rows.length === 0) return [];
  const { collectionId, orgId, authorUser } = rows[0]!;
  for (const x of rows)
    if (x.collectionId !== collectionId || x.orgId !== orgId || x.authorUser !== authorUser)
      throw new Error('insertObjects takes the rows of one collection, organization and author');
  const r = await tx.query<{ seq: string; version: string; stix_id: string }>(
    `WITH input AS (
       SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $8::smallint[], $9::text[], $10::text[],
                            $11::text[],
                            ARRAY(SELECT b FROM json_array_elements_text($12::json) WITH ORDINALITY AS j(b, k) ORDER BY k))
         WITH ORDINALITY AS t(stix_id, type, version, spec_version, tlp, share_orgs, named_users, refs, body, ord)
     )
     INSERT INTO intel_objects (collection_id, stix_id, type, version, spec_version, org_id, author_user, tlp,
                                share_orgs, named_users, refs, body, envelope)
     SELECT $1::uuid, stix_id, type, coalesce(version,
              (SELECT min(v.version) FROM intel_objects v WHERE v.collection_id = $1::uuid AND v.stix_id = input.stix_id),
              to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
            spec_version, $6::uuid, $7::uuid, tlp,
            share_orgs::uuid[], named_users::uuid[], refs::text[], body, $13::uuid
       FROM input ORDER BY ord
     ON CONFLICT (collection_id, stix_id, version) DO NOTHING
     RETURNING seq, version, stix_id`,
    [
      collectionId,
      rows.map((x) => x.stixId),
      rows.map((x) => x.type),
      rows.map((x) => x.version),
      rows.map((x) => x.specVersion),
      orgId,
      authorUser,
      rows.map((x) => x.tlp),
      rows.map((x) => `{${x.shareOrgs.join(',')}}`),
      rows.map((x) => `{${x.namedUsers.join(',')}}`),
      rows.map((x) => `{${x.refs.map((s) => `"${s}"`).join(',')}}`),
      // The bodies as one JSON array of strings: JSON.stringify escapes them natively, where a text[]
      // parameter is escaped element by element in JavaScript by the driver.
      JSON.stringify(rows.map((x) => x.body)),
      envelope,
    ],
  );
  const byKey = new Map<string, { seq: number; version: string }>();
  for (const row of r.rows)
    byKey.set(`${row.stix_id} ${row.version}`, { seq: Number(row.seq), version: row.version });
  // Rows without a version got the insertion time: match them by id among those not matched yet.
  return rows.map((x) => {
    if (x.version !== null) return byKey.get(`${x.stixId} ${x.version}`) ?? null;
    for (const [k, v] of byKey)
      if (k.startsWith(`${x.stixId} `)) {
        byKey.delete(k);
        return v;
      }
    return null;
  });
}

/** Stored marking definitions by id (the latest version of each). */
export async function findMarkingDefinitions(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const r = await db.query<{ stix_id: string; body: string }>(
    `SELECT DISTINCT ON (stix_id) stix_id, body FROM intel_objects
      WHERE type = 'marking-definition' AND stix_id = ANY($1::text[]) ORDER BY stix_id, seq DESC`,
    [ids],
  );
  return new Map(r.rows.map((x) => [x.stix_id, x.body]));
}

export interface IndicatorRow {
  stixId: string;
  version: string;
  name: string | null;
  pattern: string;
  patternType: string;
  validFrom: Date;
  validUntil: Date | null;
  revoked: boolean;
  confidence: number | null;
  orgId: string;
  authorUser: string | null;
  tlp: number;
  shareOrgs: string[];
  namedUsers: string[];
}

const INDICATOR = `stix_id AS "stixId", version, name, pattern, pattern_type AS "patternType",
  valid_from AS "validFrom", valid_until AS "validUntil", revoked, confidence, org_id AS "orgId",
  author_user AS "authorUser", tlp, share_orgs AS "shareOrgs", named_users AS "namedUsers"`;

/**
 * Stores the latest version of each indicator in one statement; a version older than the stored
 * one changes nothing. Returns the ids that changed and, when any did, the indicator change
 * counter after this write (bumped in the same statement, see `indicatorChanges`).
 */
export async function upsertIndicators(
  tx: Tx,
  rows: readonly IndicatorRow[],
): Promise<{ changed: Set<string>; changes: number | null }> {
  if (rows.length === 0) return { changed: new Set(), changes: null };
  // One row per id (the latest version in the batch): ON CONFLICT cannot touch a row twice.
  const latest = new Map<string, IndicatorRow>();
  for (const r of rows) {
    const seen = latest.get(r.stixId);
    if (!seen || seen.version <= r.version) latest.set(r.stixId, r);
  }
  const list = [...latest.values()];
  // One ingest's indicators: one author organization and user, sent once.
  const { orgId, authorUser } = list[0]!;
  for (const x of list)
    if (x.orgId !== orgId || x.authorUser !== authorUser)
      throw new Error('upsertIndicators takes the indicators of one organization and author');
  const col = <T>(f: (r: IndicatorRow) => T) => list.map(f);
  const r = await tx.query<{ stix_id: string; changes: string }>(
    `WITH stored AS (
       INSERT INTO intel_indicators (stix_id, version, name, pattern, pattern_type, valid_from, valid_until, revoked,
                                     confidence, org_id, author_user, tlp, share_orgs, named_users)
       SELECT stix_id, version, name, pattern, pattern_type, valid_from, valid_until, revoked, confidence, $10::uuid,
              $11::uuid, tlp, share_orgs::uuid[], named_users::uuid[]
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
                     $8::boolean[], $9::int[], $12::smallint[], $13::text[], $14::text[])
           AS t(stix_id, version, name, pattern, pattern_type, valid_from, valid_until, revoked, confidence, tlp,
                share_orgs, named_users)
       ON CONFLICT (stix_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, pattern = EXCLUDED.pattern,
         pattern_type = EXCLUDED.pattern_type, valid_from = EXCLUDED.valid_from, valid_until = EXCLUDED.valid_until,
         revoked = EXCLUDED.revoked, confidence = EXCLUDED.confidence, tlp = EXCLUDED.tlp,
         share_orgs = EXCLUDED.share_orgs, named_users = EXCLUDED.named_users, updated_at = now()
       WHERE intel_indicators.version <= EXCLUDED.version
       RETURNING stix_id
     ), bumped AS (
       UPDATE intel_indicator_changes SET changes = changes + 1 WHERE EXISTS (SELECT 1 FROM stored) RETURNING changes
     )
     SELECT stix_id, (SELECT changes FROM bumped) AS changes FROM stored`,
    [
      col((i) => i.stixId),
      col((i) => i.version),
      col((i) => i.name),
      col((i) => i.pattern),
      col((i) => i.patternType),
      col((i) => i.validFrom),
      col((i) => i.validUntil),
      col((i) => i.revoked),
      col((i) => i.confidence),
      orgId,
      authorUser,
      col((i) => i.tlp),
      col((i) => `{${i.shareOrgs.join(',')}}`),
      col((i) => `{${i.namedUsers.join(',')}}`),
    ],
  );
  const first = r.rows[0];
  return {
    changed: new Set(r.rows.map((x) => x.stix_id)),
    changes: first ? Number(first.changes) : null,
  };
}

export async function findIndicators(db: Queryable, ids: readonly string[]): Promise<IndicatorRow[]> {
  const r = await db.query(`SELECT ${INDICATOR} FROM intel_indicators WHERE stix_id = ANY($1::text[])`, [
    ids,
  ]);
  return r.rows as unknown as IndicatorRow[];
}

/** Every indicator, a page at a time (the matcher's rebuild). */
export async function* readIndicators(db: Queryable, page = 20_000): AsyncGenerator<IndicatorRow[]> {
  let after = '';
  for (;;) {
    const r = await db.query(
      `SELECT ${INDICATOR} FROM intel_indicators WHERE stix_id > $1 AND NOT revoked AND (valid_until IS NULL OR valid_until > now()) ORDER BY stix_id LIMIT $2`,
      [after, page],
    );
    const rows = r.rows as unknown as IndicatorRow[];
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.stixId;
    if (rows.length < page) return;
  }
}

/**
 * How many writes have stored indicators, ever (migration 0900): the matcher rebuilds when it
 * differs from the count it has followed. One row, not a scan of the indicators.
 */
export async function indicatorChanges(db: Queryable): Promise<number> {
  const r = await db.query<{ changes: string }>('SELECT changes FROM intel_indicator_changes');
  return Number(r.rows[0]?.changes ?? 0);
}

export interface StoredObjectRow {
  seq: number;
  collectionId: string;
  stixId: string;
  type: string;
  version: string;
  specVersion: string;
  orgId: string;
  tlp: number;
  shareOrgs: string[];
  namedUsers: string[];
  body: string;
  /** RFC 3339 in UTC with the database's microseconds: TAXII clients resume from it exactly. */
  dateAdded: string;
}

const OBJECT = `obj.seq::text AS seq, obj.collection_id AS "collectionId", obj.stix_id AS "stixId", obj.type, obj.version,
  obj.spec_version AS "specVersion", obj.org_id AS "orgId", obj.tlp, obj.share_orgs AS "shareOrgs",
  obj.named_users AS "namedUsers", obj.body,
  to_char(obj.date_added AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "dateAdded"`;

/** The visibility predicate of a row alias, given by the service (the access rule's TLP clause). */
export type VisibleSql = (alias: string, params: unknown[]) => string;

export interface ObjectFilter {
  collectionId?: string;
  afterSeq?: number;
  /** RFC 3339; compared at the database's microsecond precision. */
  addedAfter?: string;
  ids?: string[];
  types?: string[];
  specVersions?: string[];
  /** 'last' | 'first' | 'all' | explicit versions. */
  versions?: string[];
  text?: string;
  limit: number;
}

/**
 * Object versions in seq (= date_added) order that the visibility predicate admits, relationships
 * and sightings only when every object they point at that is stored is visible too.
 */
export async function listObjects(
  db: Queryable,
  visible: VisibleSql,
  f: ObjectFilter,
): Promise<StoredObjectRow[]> {
  const params: unknown[] = [];
  const where = [visible('obj', params)];
  // Driven from the object's own references (most objects have none): an index probe per reference.
  // Written as `e.stix_id = ANY(obj.refs)` the planner gathered every invisible object of the store
  // once per page (a sequential scan at a million objects), so paging cost grew with the store.
  where.push(
    `(cardinality(obj.refs) = 0 OR NOT EXISTS (SELECT 1 FROM unnest(obj.refs) AS ref(id) JOIN intel_objects e ON e.stix_id = ref.id WHERE NOT (${visible('e', params)})))`,
  );
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.collectionId) where.push(`obj.collection_id = ${p(f.collectionId)}`);
  if (f.afterSeq !== undefined) where.push(`obj.seq > ${p(f.afterSeq)}`);
  if (f.addedAfter) where.push(`obj.date_added > ${p(f.addedAfter)}::timestamptz`);
  if (f.ids?.length) where.push(`obj.stix_id = ANY(${p(f.ids)}::text[])`);
  if (f.types?.length) where.push(`obj.type = ANY(${p(f.types)}::text[])`);
  if (f.specVersions?.length) where.push(`obj.spec_version = ANY(${p(f.specVersions)}::text[])`);
  if (f.text) where.push(`position(lower(${p(f.text)}) in lower(obj.body)) > 0`);
  const versions = f.versions ?? ['last'];
  if (!versions.includes('all')) {
    const scope = f.collectionId ? 'AND v.collection_id = obj.collection_id' : '';
    const alts: string[] = [];
    if (versions.includes('last'))
      alts.push(
        `obj.version = (SELECT max(v.version) FROM intel_objects v WHERE v.stix_id = obj.stix_id ${scope})`,
      );
    if (versions.includes('first'))
      alts.push(
        `obj.version = (SELECT min(v.version) FROM intel_objects v WHERE v.stix_id = obj.stix_id ${scope})`,
      );
    const explicit = versions.filter((v) => v !== 'last' && v !== 'first');
    if (explicit.length) alts.push(`obj.version = ANY(${p(explicit)}::text[])`);
    where.push(`(${alts.join(' OR ')})`);
  }
  const r = await db.query(
    `SELECT ${OBJECT} FROM intel_objects obj WHERE ${where.join(' AND ')} ORDER BY obj.seq LIMIT ${p(f.limit)}`,
    params,
  );
  return (r.rows as unknown as (StoredObjectRow & { seq: string })[]).map((x) => ({
    ...x,
    seq: Number(x.seq),
  }));
}

export async function deleteObject(
  tx: Tx,
  collectionId: string,
  stixId: string,
  versions: string[] | null,
): Promise<number> {
  const r = await tx.query(
    `DELETE FROM intel_objects WHERE collection_id = $1 AND stix_id = $2 ${versions ? 'AND version = ANY($3::text[])' : ''}
     RETURNING seq`,
    versions ? [collectionId, stixId, versions] : [collectionId, stixId],
  );
  return r.rows.length;
}

// ---- status resources ---------------------------------------------------------------------------

export interface StatusDetail {
  id: string;
  version: string;
  message?: string;
}

export interface StatusRow {
  id: string;
  orgId: string;
  collectionId: string;
  requestTimestamp: Date;
  status: 'pending' | 'complete';
  totalCount: number;
  successCount: number;
  failureCount: number;
  pendingCount: number;
  successes: StatusDetail[];
  failures: (StatusDetail & { message: string })[];
  pendings: StatusDetail[];
}

/** Who posted an envelope, as the worker that ingests it acts (the organization is looked up again). */
export interface StoredActor {
  subject: 'user' | 'token';
  id: string;
  userId: string | null;
  name: string;
  orgId: string;
  roles: string[];
}

const STATUS = `id, org_id AS "orgId", collection_id AS "collectionId", request_timestamp AS "requestTimestamp", status,
  total_count AS "totalCount", success_count AS "successCount", failure_count AS "failureCount",
  pending_count AS "pendingCount", successes, failures, pendings`;

/** A status resource completed at once (imports that answer with their outcomes). */
export async function insertCompleteStatus(
  db: Queryable,
  s: Pick<StatusRow, 'id' | 'orgId' | 'collectionId' | 'totalCount' | 'successes' | 'failures'>,
): Promise<void> {
  await db.query(
    `INSERT INTO intel_status (id, org_id, collection_id, status, total_count, success_count, failure_count,
                               pending_count, successes, failures, completed_at)
     VALUES ($1, $2, $3, 'complete', $4, $5, $6, 0, $7, $8, now())`,
    [
      s.id,
      s.orgId,
      s.collectionId,
      s.totalCount,
      s.successes.length,
      s.failures.length,
      JSON.stringify(s.successes),
      JSON.stringify(s.failures),
    ],
  );
}

/** A pending status resource holding its envelope (the objects' JSON text) until a worker takes it. */
export async function insertPendingStatus(
  db: Queryable,
  s: Pick<StatusRow, 'id' | 'orgId' | 'collectionId' | 'totalCount' | 'pendings'> & {
    envelope: string;
    actor: StoredActor;
  },
): Promise<StatusRow> {
  const r = await db.query(
    `INSERT INTO intel_status (id, org_id, collection_id, status, total_count, success_count, failure_count,
                               pending_count, pendings, envelope, actor)
     VALUES ($1, $2, $3, 'pending', $4, 0, 0, $4, $5, $6, $7)
     RETURNING request_timestamp AS "requestTimestamp"`,
    [
      s.id,
      s.orgId,
      s.collectionId,
      s.totalCount,
      JSON.stringify(s.pendings),
      s.envelope,
      JSON.stringify(s.actor),
    ],
  );
  // The row as written, without reading back the pendings just sent (1,000 entries an envelope).
  return {
    id: s.id,
    orgId: s.orgId,
    collectionId: s.collectionId,
    requestTimestamp: (r.rows[0] as { requestTimestamp: Date }).requestTimestamp,
    status: 'pending',
    totalCount: s.totalCount,
    successCount: 0,
    failureCount: 0,
    pendingCount: s.totalCount,
    successes: [],
    failures: [],
    pendings: s.pendings,
  };
}

export interface ClaimedStatus {
  id: string;
  collectionId: string;
  envelope: string;
  actor: StoredActor;
  attempts: number;
}

/**
 * Claims the oldest pending envelope nobody holds (or whose holder's lease ran out: a process that
 * died), for `leaseSeconds`, counting the attempt. SKIP LOCKED: processes never wait on each other.
 */
export async function claimPendingStatus(
  db: Queryable,
  leaseSeconds: number,
  held: readonly string[] = [],
): Promise<(Omit<ClaimedStatus, 'envelope'> & { envelope: string | null }) | undefined> {
  // The envelopes the caller holds in memory (`held`) are not read back: envelope is null for them.
  const r = await db.query(
    `UPDATE intel_status SET claimed_until = now() + make_interval(secs => $1), attempts = attempts + 1
      WHERE id = (SELECT id FROM intel_status
                   WHERE status = 'pending' AND envelope IS NOT NULL AND (claimed_until IS NULL OR claimed_until < now())
                   ORDER BY request_timestamp LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, collection_id AS "collectionId",
                CASE WHEN id = ANY($2::uuid[]) THEN NULL ELSE envelope END AS envelope, actor, attempts`,
    [leaseSeconds, held],
  );
  const row = r.rows[0] as unknown as
    | (Omit<ClaimedStatus, 'envelope'> & { envelope: string | null; actor: StoredActor | string })
    | undefined;
  if (!row) return undefined;
  return {
    ...row,
    actor: typeof row.actor === 'string' ? (JSON.parse(row.actor) as StoredActor) : row.actor,
  };
}

/** A pending envelope's objects (JSON text), for a claim that expected to hold them in memory. */
export async function findEnvelope(db: Queryable, id: string): Promise<string | null> {
  const r = await db.query<{ envelope: string | null }>('SELECT envelope FROM intel_status WHERE id = $1', [
    id,
  ]);
  return r.rows[0]?.envelope ?? null;
}

/** Gives a claimed envelope back to be tried again. */
export async function releaseStatus(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE intel_status SET claimed_until = NULL WHERE id = $1', [id]);
}

/** Completes a status resource (in the transaction that stored its objects) and drops its envelope. */
export async function completeStatus(
  db: Queryable,
  id: string,
  s: Pick<StatusRow, 'successes' | 'failures'>,
  error: string | null = null,
): Promise<void> {
  await db.query(
    `UPDATE intel_status SET status = 'complete', success_count = $2, failure_count = $3, pending_count = 0,
            successes = $4, failures = $5, pendings = '[]', envelope = NULL, claimed_until = NULL,
            completed_at = now(), error = $6
      WHERE id = $1`,
    [
      id,
      s.successes.length,
      s.failures.length,
      JSON.stringify(s.successes),
      JSON.stringify(s.failures),
      error,
    ],
  );
}

export async function findStatus(db: Queryable, id: string): Promise<StatusRow | undefined> {
  const r = await db.query(`SELECT ${STATUS} FROM intel_status WHERE id = $1`, [id]);
  return r.rows[0] as unknown as StatusRow | undefined;
}

/** Whether any envelope waits (or waits again after its holder's lease ran out). */
export async function hasPendingStatus(db: Queryable): Promise<boolean> {
  const r = await db.query(
    `SELECT 1 FROM intel_status WHERE status = 'pending' AND envelope IS NOT NULL
        AND (claimed_until IS NULL OR claimed_until < now()) LIMIT 1`,
  );
  return r.rows.length > 0;
}

/** Completed status resources are kept a week (TAXII asks for at least 24 hours); pending ones stay. */
export async function deleteOldStatus(db: Queryable): Promise<number> {
  const r = await db.query(
    `DELETE FROM intel_status WHERE status = 'complete' AND request_timestamp < now() - interval '7 days' RETURNING id`,
  );
  return r.rows.length;
}

// ---- access log ---------------------------------------------------------------------------------

export interface AccessEntry {
  actor: string;
  orgId: string | null;
  action: string;
  collectionId: string | null;
  objectId: string | null;
  count: number;
}

export async function logAccess(db: Queryable, e: AccessEntry): Promise<void> {
  await db.query(
    `INSERT INTO intel_access_log (actor, org_id, action, collection_id, object_id, count) VALUES ($1, $2, $3, $4, $5, $6)`,
    [e.actor, e.orgId, e.action, e.collectionId, e.objectId, e.count],
  );
}

export async function listAccess(
  db: Queryable,
  visibleOrg: (col: string, params: unknown[]) => string,
  limit: number,
): Promise<(AccessEntry & { seq: number; at: Date })[]> {
  const params: unknown[] = [];
  const where = visibleOrg('l.org_id', params);
  params.push(limit);
  const r = await db.query(
    `SELECT l.seq::int AS seq, l.at, l.actor, l.org_id AS "orgId", l.action, l.collection_id AS "collectionId",
            l.object_id AS "objectId", l.count FROM intel_access_log l WHERE ${where} ORDER BY l.seq DESC LIMIT $${params.length}`,
    params,
  );
  return r.rows as unknown as (AccessEntry & { seq: number; at: Date })[];
}

// ---- sightings ----------------------------------------------------------------------------------

export interface SightingRow {
  id: string;
  indicatorId: string;
  orgId: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  lastValue: string;
  version: number;
}

/** Adds hits to the sightings of (indicator, organization); returns the rows after the change. */
export async function addSightings(
  tx: Tx,
  hits: readonly { id: string; indicatorId: string; orgId: string; count: number; value: string; at: Date }[],
): Promise<SightingRow[]> {
  const out: SightingRow[] = [];
  for (const h of hits) {
    const r = await tx.query(
      `INSERT INTO intel_sightings (id, indicator_id, org_id, count, first_seen, last_seen, last_value)
       VALUES ($1, $2, $3, $4, $5, $5, $6)
       ON CONFLICT (indicator_id, org_id) DO UPDATE SET count = intel_sightings.count + EXCLUDED.count,
         last_seen = EXCLUDED.last_seen, last_value = EXCLUDED.last_value, version = intel_sightings.version + 1
       RETURNING id, indicator_id AS "indicatorId", org_id AS "orgId", count, first_seen AS "firstSeen",
                 last_seen AS "lastSeen", last_value AS "lastValue", version`,
      [h.id, h.indicatorId, h.orgId, h.count, h.at, h.value],
    );
    out.push(r.rows[0] as unknown as SightingRow);
  }
  return out;
}

/** Sightings of the organizations the caller sees, and of the indicators its organization wrote. */
export async function listSightings(
  db: Queryable,
  visibleOrg: (col: string, params: unknown[]) => string,
  ownOrg: string,
  indicatorId: string | undefined,
  limit: number,
): Promise<(SightingRow & { indicatorName: string | null })[]> {
  const params: unknown[] = [];
  const seen = visibleOrg('s.org_id', params);
  params.push(ownOrg);
  const own = `i.org_id = $${params.length}`;
  let extra = '';
  if (indicatorId) {
    params.push(indicatorId);
    extra = `AND s.indicator_id = $${params.length}`;
  }
  params.push(limit);
  const r = await db.query(
    `SELECT s.id, s.indicator_id AS "indicatorId", s.org_id AS "orgId", s.count, s.first_seen AS "firstSeen",
            s.last_seen AS "lastSeen", s.last_value AS "lastValue", s.version, i.name AS "indicatorName"
       FROM intel_sightings s JOIN intel_indicators i ON i.stix_id = s.indicator_id
      WHERE (${seen} OR ${own}) ${extra} ORDER BY s.last_seen DESC LIMIT $${params.length}`,
    params,
  );
  return r.rows as unknown as (SightingRow & { indicatorName: string | null })[];
}

// ---- feeds --------------------------------------------------------------------------------------

export interface FeedRow {
  id: string;
  orgId: string;
  name: string;
  direction: 'pull' | 'push';
  apiRoot: string;
  collection: string;
  /** The remote credential, sealed (credentials.ts); never served. */
  tokenSealed: Buffer | null;
  /** A credential an older version stored in the clear: sealed on start (sealClearFeedTokens). */
  tokenClear: string | null;
  localCollection: string;
  cursor: string | null;
  intervalSeconds: number;
  lastRun: Date | null;
  lastResult: string | null;
}

const FEED = `id, org_id AS "orgId", name, direction, api_root AS "apiRoot", collection,
  token AS "tokenClear", token_sealed AS "tokenSealed",
  local_collection AS "localCollection", cursor, interval_seconds AS "intervalSeconds", last_run AS "lastRun",
  last_result AS "lastResult"`;

export async function insertFeed(
  db: Queryable,
  f: Omit<FeedRow, 'cursor' | 'lastRun' | 'lastResult' | 'tokenClear'>,
): Promise<void> {
  await db.query(
    `INSERT INTO intel_feeds (id, org_id, name, direction, api_root, collection, token_sealed, local_collection, interval_seconds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      f.id,
      f.orgId,
      f.name,
      f.direction,
      f.apiRoot,
      f.collection,
      f.tokenSealed,
      f.localCollection,
      f.intervalSeconds,
    ],
  );
}

export async function listFeeds(
  db: Queryable,
  visibleOrg?: (col: string, params: unknown[]) => string,
): Promise<FeedRow[]> {
  const params: unknown[] = [];
  const where = visibleOrg ? `WHERE ${visibleOrg('org_id', params)}` : '';
  const r = await db.query(`SELECT ${FEED} FROM intel_feeds ${where} ORDER BY name`, params);
  return r.rows as unknown as FeedRow[];
}

export async function findFeed(db: Queryable, id: string): Promise<FeedRow | undefined> {
  const r = await db.query(`SELECT ${FEED} FROM intel_feeds WHERE id = $1`, [id]);
  return r.rows[0] as unknown as FeedRow | undefined;
}

/** Feeds whose credential an older version stored in the clear. */
export async function feedsWithClearTokens(db: Queryable): Promise<{ id: string; token: string }[]> {
  const r = await db.query('SELECT id, token FROM intel_feeds WHERE token IS NOT NULL');
  return r.rows as unknown as { id: string; token: string }[];
}

/** Stores the sealed credential and forgets the clear one. */
export async function sealFeedToken(db: Queryable, id: string, sealed: Buffer): Promise<void> {
  await db.query('UPDATE intel_feeds SET token_sealed = $2, token = NULL WHERE id = $1', [id, sealed]);
}

export async function updateFeedRun(
  db: Queryable,
  id: string,
  cursor: string | null,
  result: string,
): Promise<void> {
  await db.query(`UPDATE intel_feeds SET cursor = $2, last_run = now(), last_result = $3 WHERE id = $1`, [
    id,
    cursor,
    result,
  ]);
}

export async function logFeedOutcomes(
  db: Queryable,
  feedId: string,
  rows: readonly {
    objectId: string | null;
    version: string | null;
    outcome: 'success' | 'failure' | 'error';
    reason: string | null;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO intel_feed_log (feed_id, object_id, version, outcome, reason)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])`,
    [
      feedId,
      rows.map((r) => r.objectId),
      rows.map((r) => r.version),
      rows.map((r) => r.outcome),
      rows.map((r) => r.reason),
    ],
  );
}

export async function listFeedLog(
  db: Queryable,
  feedId: string,
  limit: number,
): Promise<
  {
    seq: number;
    at: Date;
    objectId: string | null;
    version: string | null;
    outcome: string;
    reason: string | null;
  }[]
> {
  const r = await db.query(
    `SELECT seq::int AS seq, at, object_id AS "objectId", version, outcome, reason FROM intel_feed_log
      WHERE feed_id = $1 ORDER BY seq DESC LIMIT $2`,
    [feedId, limit],
  );
  return r.rows as unknown as {
    seq: number;
    at: Date;
    objectId: string | null;
    version: string | null;
    outcome: string;
    reason: string | null;
  }[];
}

// ---- incident links -----------------------------------------------------------------------------

export interface LinkRow {
  id: string;
  incidentId: string;
  orgId: string;
  kind: 'indicator' | 'sighting';
  target: string;
  note: string;
  createdBy: string;
  createdAt: Date;
}

const LINK = `id, incident_id AS "incidentId", org_id AS "orgId", kind, target, note, created_by AS "createdBy",
  created_at AS "createdAt"`;

/** Inserts a link; answers undefined when the incident already links that target. */
export async function insertLink(db: Queryable, l: Omit<LinkRow, 'createdAt'>): Promise<LinkRow | undefined> {
  const r = await db.query(
    `INSERT INTO intel_incident_links (id, incident_id, org_id, kind, target, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (incident_id, target) DO NOTHING RETURNING ${LINK}`,
    [l.id, l.incidentId, l.orgId, l.kind, l.target, l.note, l.createdBy],
  );
  return r.rows[0] as unknown as LinkRow | undefined;
}

export async function findLink(db: Queryable, id: string): Promise<LinkRow | undefined> {
  const r = await db.query(`SELECT ${LINK} FROM intel_incident_links WHERE id = $1`, [id]);
  return r.rows[0] as unknown as LinkRow | undefined;
}

export async function deleteLink(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM intel_incident_links WHERE id = $1', [id]);
}

/** Links of one incident, or to one target, among incidents of organizations the predicate admits. */
export async function listLinks(
  db: Queryable,
  visibleOrg: (col: string, params: unknown[]) => string,
  f: { incidentId?: string; target?: string },
  limit: number,
): Promise<LinkRow[]> {
  const params: unknown[] = [];
  const where = [visibleOrg('org_id', params)];
  if (f.incidentId) {
    params.push(f.incidentId);
    where.push(`incident_id = $${params.length}`);
  }
  if (f.target) {
    params.push(f.target);
    where.push(`target = $${params.length}`);
  }
  params.push(limit);
  const r = await db.query(
    `SELECT ${LINK} FROM intel_incident_links WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`,
    params,
  );
  return r.rows as unknown as LinkRow[];
}

/** A matcher sighting, if the caller sees its organization or its indicator is the caller's organization's. */
export async function findVisibleSighting(
  db: Queryable,
  visibleOrg: (col: string, params: unknown[]) => string,
  ownOrg: string,
  id: string,
): Promise<(SightingRow & { indicatorName: string | null }) | undefined> {
  const params: unknown[] = [];
  const seen = visibleOrg('s.org_id', params);
  params.push(ownOrg, id);
  const r = await db.query(
    `SELECT s.id, s.indicator_id AS "indicatorId", s.org_id AS "orgId", s.count, s.first_seen AS "firstSeen",
            s.last_seen AS "lastSeen", s.last_value AS "lastValue", s.version, i.name AS "indicatorName"
       FROM intel_sightings s JOIN intel_indicators i ON i.stix_id = s.indicator_id
      WHERE (${seen} OR i.org_id = $${params.length - 1}) AND s.id = $${params.length}`,
    params,
  );
  return r.rows[0] as unknown as (SightingRow & { indicatorName: string | null }) | undefined;
}
