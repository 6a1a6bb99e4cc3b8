// All SQL of the incidents domain, on the tables it owns (migrations/0300_incidents.sql).
import type { Queryable } from '../platform/db/types.ts';
import type { Grade, Recipient } from './deadlines.ts';
import type { IncidentStatus, TaskStatus } from './policy.ts';
import { escapeLike } from '../platform/db/like.ts';

export type VisibleSql = (column: string, params: unknown[]) => string;

export interface Impact {
  outageHours?: number;
  peopleAffected?: number;
  recordsLeaked?: number;
  directLoss?: number;
  portalDowntimeHours?: number;
  mainFunctionOutageHours?: number;
  cityPopulationSharePercent?: number;
  provincePopulationSharePercent?: number;
  importantDataThreat?: number;
  summary?: string;
}

export interface IncidentRow {
  id: string;
  orgId: string;
  region: string;
  sector: string | null;
  title: string;
  description: string;
  category: string;
  grade: Grade;
  status: IncidentStatus;
  regime: string;
  /** The regime's version the incident was opened under: its deadlines never follow a later edit. */
  regimeVersion: number;
  entityType: string;
  timeZone: string;
  exercise: boolean;
  occurredAt: Date | null;
  awareAt: Date;
  containedAt: Date | null;
  recoveredAt: Date | null;
  closedAt: Date | null;
  ransomDemanded: boolean;
  ransomPaidAt: Date | null;
  impact: Impact;
  assets: string[];
  indicators: string;
  nextDue: Date | null;
  escalatedAt: Date | null;
  alertAcknowledgedAt: Date | null;
  reportedAt: Date | null;
  createdBy: string;
  versionNo: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `i.id, i.org_id AS "orgId", i.region, i.sector, i.title, i.description, i.category, i.grade, i.status,
  i.regime, i.entity_type AS "entityType", i.time_zone AS "timeZone", i.exercise, i.occurred_at AS "occurredAt",
  i.aware_at AS "awareAt", i.contained_at AS "containedAt", i.recovered_at AS "recoveredAt", i.closed_at AS "closedAt",
  i.ransom_demanded AS "ransomDemanded", i.ransom_paid_at AS "ransomPaidAt", i.impact, i.assets, i.indicators,
  i.next_due AS "nextDue", i.escalated_at AS "escalatedAt", i.alert_acknowledged_at AS "alertAcknowledgedAt",
  i.reported_at AS "reportedAt", i.created_by AS "createdBy", i.version_no AS "versionNo", i.created_at AS "createdAt",
  i.updated_at AS "updatedAt", i.regime_version AS "regimeVersion"`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function values(r: IncidentRow): unknown[] {
  return [
    r.id,
    r.orgId,
    r.region,
    r.sector,
    r.title,
    r.description,
    r.category,
    r.grade,
    r.status,
    r.regime,
    r.entityType,
    r.timeZone,
    r.exercise,
    iso(r.occurredAt),
    iso(r.awareAt),
    iso(r.containedAt),
    iso(r.recoveredAt),
    iso(r.closedAt),
    r.ransomDemanded,
    iso(r.ransomPaidAt),
    JSON.stringify(r.impact),
    r.assets,
    r.indicators,
    iso(r.nextDue),
    iso(r.escalatedAt),
    iso(r.alertAcknowledgedAt),
    iso(r.reportedAt),
    r.createdBy,
    r.versionNo,
    iso(r.createdAt),
    iso(r.updatedAt),
    r.regimeVersion,
  ];
}

export async function insertIncident(db: Queryable, r: IncidentRow): Promise<void> {
  await insertIncidents(db, [r]);
}

/**
 * Several incidents in one statement (a group of filings written together): the rows go as one
 * JSON array, typed by the record definition, so the statement has one parameter whatever the
 * group's size.
 */
export async function insertIncidents(db: Queryable, list: IncidentRow[]): Promise<void> {
  if (list.length === 0) return;
  const st = incidentsInsert(list, 0);
  await db.query(st.sql, st.params);
}

/** A statement and its parameters, numbered from `offset` + 1 (so several can share one query). */
interface Statement {
  sql: string;
  params: unknown[];
}

function incidentsInsert(list: IncidentRow[], offset: number): Statement {
  const rows = list.map((r) => {
    const v = values(r);
    // `impact` goes as the object itself here (values() serialises it for a single-row bind).
    return Object.fromEntries(INSERT_COLUMNS.map((c, i) => [c, c === 'impact' ? r.impact : v[i]]));
  });
  return {
    sql: `INSERT INTO incidents (${INSERT_COLUMNS.join(', ')})
     SELECT ${INSERT_COLUMNS.map((c) => `t.${c}`).join(', ')}
     FROM json_to_recordset($${offset + 1}::json) AS t(id uuid, org_id uuid, region text, sector text, title text,
       description text, category text, grade text, status text, regime text, entity_type text, time_zone text,
       exercise boolean, occurred_at timestamptz, aware_at timestamptz, contained_at timestamptz,
       recovered_at timestamptz, closed_at timestamptz, ransom_demanded boolean, ransom_paid_at timestamptz,
       impact jsonb, assets uuid[], indicators text, next_due timestamptz, escalated_at timestamptz,
       alert_acknowledged_at timestamptz, reported_at timestamptz, created_by text, version_no integer,
       created_at timestamptz, updated_at timestamptz, regime_version integer)`,
    params: [JSON.stringify(rows)],
  };
}

/** `$n` placeholders from offset + 1, for `types` in order. */
const placeholders = (offset: number, types: string[]) =>
  types.map((t, i) => `$${offset + i + 1}::${t}`).join(', ');

/**
 * New incidents with their obligations and timeline entries in one statement (a group of filings:
 * one round trip instead of three; the foreign keys are checked at the statement's end).
 */
export async function insertFilings(
  db: Queryable,
  incidents: IncidentRow[],
  obligations: ObligationRow[],
  events: Omit<EventRow, 'id'>[],
): Promise<void> {
  if (incidents.length === 0) return;
  const i = incidentsInsert(incidents, 0);
  const o = obligationsInsert(obligations, i.params.length);
  const e = eventsInsert(events, i.params.length + o.params.length);
  await db.query(`WITH i AS (${i.sql}), o AS (${o.sql}) ${e.sql}`, [...i.params, ...o.params, ...e.params]);
}

/** The columns values() lists, in its order. */
const INSERT_COLUMNS = [
  'id',
  'org_id',
  'region',
  'sector',
  'title',
  'description',
  'category',
  'grade',
  'status',
  'regime',
  'entity_type',
  'time_zone',
  'exercise',
  'occurred_at',
  'aware_at',
  'contained_at',
  'recovered_at',
  'closed_at',
  'ransom_demanded',
  'ransom_paid_at',
  'impact',
  'assets',
  'indicators',
  'next_due',
  'escalated_at',
  'alert_acknowledged_at',
  'reported_at',
  'created_by',
  'version_no',
  'created_at',
  'updated_at',
  'regime_version',
] as const;

/** Writes every mutable column of the incident (the service computes the whole new row). */
export async function updateIncident(db: Queryable, r: IncidentRow): Promise<void> {
  await db.query(
    `UPDATE incidents SET title = $2, description = $3, category = $4, grade = $5, status = $6, occurred_at = $7,
       contained_at = $8, recovered_at = $9, closed_at = $10, ransom_demanded = $11, ransom_paid_at = $12,
       impact = $13::jsonb, assets = $14::uuid[], indicators = $15, next_due = $16, escalated_at = $17,
       alert_acknowledged_at = $18, reported_at = $19, version_no = $20, updated_at = $21
     WHERE id = $1`,
    [
      r.id,
      r.title,
      r.description,
      r.category,
      r.grade,
      r.status,
      iso(r.occurredAt),
      iso(r.containedAt),
      iso(r.recoveredAt),
      iso(r.closedAt),
      r.ransomDemanded,
      iso(r.ransomPaidAt),
      JSON.stringify(r.impact),
      r.assets,
      r.indicators,
      iso(r.nextDue),
      iso(r.escalatedAt),
      iso(r.alertAcknowledgedAt),
      iso(r.reportedAt),
      r.versionNo,
      iso(r.updatedAt),
    ],
  );
}

export async function findIncident(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<IncidentRow | undefined> {
  const r = await db.query(
    `SELECT ${COLUMNS} FROM incidents i WHERE i.id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0] as unknown as IncidentRow | undefined;
}

export interface IncidentFilter {
  ids?: string[];
  status?: IncidentStatus[];
  grade?: Grade[];
  org?: string;
  region?: string;
  sector?: string;
  overdue?: boolean;
  exercise?: boolean;
  escalated?: boolean;
  open?: boolean;
  now: Date;
  limit: number;
  offset: number;
}

/** Totals are counted up to this many rows: a queue of ten thousand says "10000+", not a full count. */
export const TOTAL_CAP = 10_000;

/** The filter, after the access rule (`visible`, a condition on `i.org_id`). */
function whereOf(visible: string, f: IncidentFilter, params: unknown[]): string {
  const where = [visible];
  const add = (value: unknown, sql: (n: number) => string) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (f.ids) add(f.ids, (n) => `i.id = ANY($${n}::uuid[])`);
  if (f.status?.length) add(f.status, (n) => `i.status = ANY($${n}::text[])`);
  if (f.grade?.length) add(f.grade, (n) => `i.grade = ANY($${n}::text[])`);
  if (f.org) add(f.org, (n) => `i.org_id = $${n}`);
  if (f.region) {
    params.push(f.region);
    add(`${escapeLike(f.region)}-%`, (n) => `(i.region = $${n - 1} OR i.region LIKE $${n})`);
  }
  if (f.sector) add(f.sector, (n) => `i.sector = $${n}`);
  if (f.exercise !== undefined) add(f.exercise, (n) => `i.exercise = $${n}`);
  if (f.overdue === true) add(f.now.toISOString(), (n) => `i.next_due < $${n}`);
  if (f.overdue === false) add(f.now.toISOString(), (n) => `(i.next_due IS NULL OR i.next_due >= $${n})`);
  if (f.escalated === true) where.push('i.escalated_at IS NOT NULL AND i.alert_acknowledged_at IS NULL');
  if (f.open === true) where.push(`i.status <> 'closed'`);
  return where.join(' AND ');
}

/**
 * The queue: visible incidents, the earliest open deadline first, then the newest; with the total
 * (capped), in one statement. Its shape follows the plans at the benchmark's size (docs/incidents.md,
 * "Figures"): the page is chosen first, by id, on the index that holds the queue's order and the
 * organization (migration 0810), so only the page's rows are read from the table; the capped
 * total counts index entries; one statement, one round trip.
 */
export async function listIncidents(
  db: Queryable,
  visible: VisibleSql,
  f: IncidentFilter,
  withTotal = true,
): Promise<{ rows: IncidentRow[]; total: number | undefined }> {
  const params: unknown[] = [];
  const w = whereOf(visible('i.org_id', params), f, params);
  params.push(f.limit, f.offset);
  const page = `WITH page AS (SELECT i.id, i.next_due, i.created_at FROM incidents i WHERE ${w}
     ORDER BY i.next_due ASC NULLS LAST, i.created_at DESC, i.id LIMIT $${params.length - 1} OFFSET $${params.length})`;
  if (!withTotal) {
    const r = await db.query(
      `${page}
       SELECT ${COLUMNS} FROM page p JOIN incidents i ON i.id = p.id
       ORDER BY p.next_due ASC NULLS LAST, p.created_at DESC, p.id`,
      params,
    );
    return { rows: r.rows as unknown as IncidentRow[], total: undefined };
  }
  // The total rides on every row, and on one row of nulls when the page is empty.
  const r = await db.query<{ total: number; id: string | null }>(
    `${page},
       counted AS (SELECT count(*)::int AS total FROM (SELECT 1 FROM incidents i WHERE ${w} LIMIT ${TOTAL_CAP}) t)
     SELECT c.total, ${COLUMNS}
     FROM counted c LEFT JOIN (page p JOIN incidents i ON i.id = p.id) ON true
     ORDER BY p.next_due ASC NULLS LAST, p.created_at DESC, p.id`,
    params,
  );
  const total = r.rows[0]?.total ?? 0;
  const rows = r.rows.filter((x) => x.id !== null).map(({ total: _total, ...row }) => row as IncidentRow);
  return { rows, total };
}

export interface ObligationRow {
  incidentId: string;
  stage: string;
  title: string;
  due: Date | null;
  recipient: Recipient;
  recipientOrg: string | null;
  filer: 'operator' | 'authority';
  satisfiedAt: Date | null;
  reportId: string | null;
  /** A stage anchored on `requested`: when an authority requested its report (null: not yet / other anchors). */
  requestedAt: Date | null;
}

/** Replaces the incident's obligations with the recomputed ones (satisfied ones carry their report). */
export async function replaceObligations(
  db: Queryable,
  incidentId: string,
  list: ObligationRow[],
): Promise<void> {
  await db.query('DELETE FROM incident_obligations WHERE incident_id = $1', [incidentId]);
  await insertObligations(db, incidentId, list);
}

/** The obligations of an incident that has none yet (a filing: no DELETE round trip). */
export async function insertObligations(
  db: Queryable,
  incidentId: string,
  list: Omit<ObligationRow, 'incidentId'>[],
): Promise<void> {
  await insertObligationsOf(
    db,
    list.map((o) => ({ ...o, incidentId })),
  );
}

/** The obligations of several new incidents in one statement. */
export async function insertObligationsOf(db: Queryable, list: ObligationRow[]): Promise<void> {
  if (list.length === 0) return;
  const st = obligationsInsert(list, 0);
  await db.query(st.sql, st.params);
}

function obligationsInsert(list: ObligationRow[], offset: number): Statement {
  return {
    sql: `INSERT INTO incident_obligations (incident_id, stage, title, due, recipient, recipient_org, filer, satisfied_at, report_id, requested_at)
     SELECT t.incident, t.stage, t.title, t.due, t.recipient, t.rorg, t.filer, t.sat, t.report, t.req
     FROM unnest(${placeholders(offset, ['uuid[]', 'text[]', 'text[]', 'timestamptz[]', 'text[]', 'uuid[]', 'text[]', 'timestamptz[]', 'uuid[]', 'timestamptz[]'])})
       AS t(incident, stage, title, due, recipient, rorg, filer, sat, report, req)`,
    params: [
      list.map((o) => o.incidentId),
      list.map((o) => o.stage),
      list.map((o) => o.title),
      list.map((o) => iso(o.due)),
      list.map((o) => o.recipient),
      list.map((o) => o.recipientOrg),
      list.map((o) => o.filer),
      list.map((o) => iso(o.satisfiedAt)),
      list.map((o) => o.reportId),
      list.map((o) => iso(o.requestedAt)),
    ],
  };
}

export async function obligationsOf(db: Queryable, incidentIds: string[]): Promise<ObligationRow[]> {
  if (incidentIds.length === 0) return [];
  const r = await db.query(
    `SELECT incident_id AS "incidentId", stage, title, due, recipient, recipient_org AS "recipientOrg", filer,
       satisfied_at AS "satisfiedAt", report_id AS "reportId", requested_at AS "requestedAt"
     FROM incident_obligations WHERE incident_id = ANY($1::uuid[]) ORDER BY incident_id, due NULLS LAST, stage`,
    [incidentIds],
  );
  return r.rows as unknown as ObligationRow[];
}

export interface ReportRow {
  id: string;
  incidentId: string;
  stage: string;
  content: Record<string, string>;
  recipientOrg: string | null;
  filedBy: string;
  filedByName: string;
  filedByOrg: string;
  filedAt: Date;
  due: Date | null;
  entrySeq: string;
}

export async function insertReport(db: Queryable, r: ReportRow): Promise<void> {
  await db.query(
    `INSERT INTO incident_reports (id, incident_id, stage, content, recipient_org, filed_by, filed_by_name, filed_by_org,
       filed_at, due, entry_seq)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11)`,
    [
      r.id,
      r.incidentId,
      r.stage,
      JSON.stringify(r.content),
      r.recipientOrg,
      r.filedBy,
      r.filedByName,
      r.filedByOrg,
      iso(r.filedAt),
      iso(r.due),
      r.entrySeq,
    ],
  );
}

export async function reportsOf(db: Queryable, incidentId: string): Promise<ReportRow[]> {
  const r = await db.query(
    `SELECT id, incident_id AS "incidentId", stage, content, recipient_org AS "recipientOrg", filed_by AS "filedBy",
       filed_by_name AS "filedByName", filed_by_org AS "filedByOrg", filed_at AS "filedAt", due, entry_seq::text AS "entrySeq"
     FROM incident_reports WHERE incident_id = $1 ORDER BY filed_at, id`,
    [incidentId],
  );
  return r.rows as unknown as ReportRow[];
}

export interface EventRow {
  id: number;
  incidentId: string;
  at: Date;
  kind: string;
  actorId: string;
  actorName: string;
  actorOrg: string | null;
  data: Record<string, unknown>;
}

export async function insertEvents(db: Queryable, list: Omit<EventRow, 'id'>[]): Promise<void> {
  if (list.length === 0) return;
  const st = eventsInsert(list, 0);
  await db.query(st.sql, st.params);
}

function eventsInsert(list: Omit<EventRow, 'id'>[], offset: number): Statement {
  return {
    sql: `INSERT INTO incident_events (incident_id, at, kind, actor_id, actor_name, actor_org, data)
     SELECT t.incident, t.at, t.kind, t.actor, t.name, t.org, t.data
     FROM unnest(${placeholders(offset, ['uuid[]', 'timestamptz[]', 'text[]', 'text[]', 'text[]', 'uuid[]', 'jsonb[]'])})
       AS t(incident, at, kind, actor, name, org, data)`,
    params: [
      list.map((e) => e.incidentId),
      list.map((e) => e.at.toISOString()),
      list.map((e) => e.kind),
      list.map((e) => e.actorId),
      list.map((e) => e.actorName),
      list.map((e) => e.actorOrg),
      list.map((e) => JSON.stringify(e.data)),
    ],
  };
}

export async function eventsOf(db: Queryable, incidentId: string, kind?: string): Promise<EventRow[]> {
  const r = await db.query(
    `SELECT id::int AS id, incident_id AS "incidentId", at, kind, actor_id AS "actorId", actor_name AS "actorName",
       actor_org AS "actorOrg", data
     FROM incident_events WHERE incident_id = $1${kind ? ' AND kind = $2' : ''} ORDER BY id`,
    kind ? [incidentId, kind] : [incidentId],
  );
  return r.rows as unknown as EventRow[];
}

export interface TaskRow {
  id: string;
  incidentId: string;
  orgId: string;
  title: string;
  kind: 'task' | 'assistance';
  owner: string | null;
  due: Date | null;
  status: TaskStatus;
  createdBy: string;
  versionNo: number;
  createdAt: Date;
  updatedAt: Date;
}

const TASK_COLUMNS = `id, incident_id AS "incidentId", org_id AS "orgId", title, kind, owner, due, status,
  created_by AS "createdBy", version_no AS "versionNo", created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertTask(db: Queryable, t: TaskRow): Promise<void> {
  await db.query(
    `INSERT INTO incident_tasks (id, incident_id, org_id, title, kind, owner, due, status, created_by, version_no,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      t.id,
      t.incidentId,
      t.orgId,
      t.title,
      t.kind,
      t.owner,
      iso(t.due),
      t.status,
      t.createdBy,
      t.versionNo,
      iso(t.createdAt),
      iso(t.updatedAt),
    ],
  );
}

export async function updateTask(db: Queryable, t: TaskRow): Promise<void> {
  await db.query(
    `UPDATE incident_tasks SET title = $2, owner = $3, due = $4, status = $5, version_no = $6, updated_at = $7
     WHERE id = $1`,
    [t.id, t.title, t.owner, iso(t.due), t.status, t.versionNo, iso(t.updatedAt)],
  );
}

export async function tasksOf(db: Queryable, incidentId: string): Promise<TaskRow[]> {
  const r = await db.query(
    `SELECT ${TASK_COLUMNS} FROM incident_tasks WHERE incident_id = $1 ORDER BY created_at, id`,
    [incidentId],
  );
  return r.rows as unknown as TaskRow[];
}

export async function findTask(db: Queryable, id: string, forUpdate = false): Promise<TaskRow | undefined> {
  const r = await db.query(
    `SELECT ${TASK_COLUMNS} FROM incident_tasks WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0] as unknown as TaskRow | undefined;
}

export interface SummaryRow {
  region: string;
  grade: string;
  status: string;
  count: number;
  overdue: number;
}

/** Counts by region, grade and status (drills apart), overdue first. */
export async function summary(
  db: Queryable,
  visible: VisibleSql,
  now: Date,
): Promise<{ rows: SummaryRow[]; exercises: number }> {
  const params: unknown[] = [];
  const w = visible('i.org_id', params);
  params.push(now.toISOString());
  const r = await db.query(
    `SELECT i.region, i.grade, i.status, count(*)::int AS count,
       count(*) FILTER (WHERE i.next_due < $${params.length})::int AS overdue
     FROM incidents i WHERE ${w} AND NOT i.exercise
     GROUP BY i.region, i.grade, i.status ORDER BY overdue DESC, i.region, i.grade, i.status`,
    params,
  );
  const params2: unknown[] = [];
  const w2 = visible('i.org_id', params2);
  const e = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM incidents i WHERE ${w2} AND i.exercise`,
    params2,
  );
  return { rows: r.rows as unknown as SummaryRow[], exercises: e.rows[0]!.n };
}

export interface ProfileRow {
  orgId: string;
  entityType: string | null;
  timeZone: string | null;
  regime: string | null;
  versionNo: number;
}

export async function profilesOf(db: Queryable, orgIds: string[]): Promise<ProfileRow[]> {
  if (orgIds.length === 0) return [];
  const r = await db.query(
    `SELECT org_id AS "orgId", entity_type AS "entityType", time_zone AS "timeZone", regime, version_no AS "versionNo"
     FROM incident_profiles WHERE org_id = ANY($1::uuid[])`,
    [orgIds],
  );
  return r.rows as unknown as ProfileRow[];
}

/** Every explicit profile (the service keeps them in memory for a moment). */
export async function allProfiles(db: Queryable): Promise<ProfileRow[]> {
  const r = await db.query(
    `SELECT org_id AS "orgId", entity_type AS "entityType", time_zone AS "timeZone", regime, version_no AS "versionNo"
     FROM incident_profiles`,
  );
  return r.rows as unknown as ProfileRow[];
}

export async function upsertProfile(db: Queryable, p: ProfileRow): Promise<void> {
  await db.query(
    `INSERT INTO incident_profiles (org_id, entity_type, time_zone, regime, version_no, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (org_id) DO UPDATE SET entity_type = $2, time_zone = $3, regime = $4, version_no = $5, updated_at = now()`,
    [p.orgId, p.entityType, p.timeZone, p.regime, p.versionNo],
  );
}

/** An open deadline the reminder scheduler must act on: before it (reminder) or after it (overdue). */
export interface AlertDue {
  incidentId: string;
  stage: string;
  title: string;
  due: Date;
  filer: 'operator' | 'authority';
  recipientOrg: string | null;
  orgId: string;
  incidentTitle: string;
  exercise: boolean;
  kind: 'reminder' | 'overdue';
}

/**
 * Open obligations of incidents not closed whose deadline is before `until` (now + the lead time)
 * and that have not had the alert of their kind yet: `overdue` once the deadline passed `now`,
 * else `reminder`. Earliest first.
 */
export async function alertsDue(db: Queryable, now: Date, until: Date, limit: number): Promise<AlertDue[]> {
  const r = await db.query<AlertDue & Record<string, unknown>>(
    `SELECT o.incident_id AS "incidentId", o.stage, o.title, o.due, o.filer, o.recipient_org AS "recipientOrg",
            i.org_id AS "orgId", i.title AS "incidentTitle", i.exercise, k.kind
       FROM incident_obligations o
       JOIN incidents i ON i.id = o.incident_id
       CROSS JOIN LATERAL (SELECT CASE WHEN o.due <= $1 THEN 'overdue' ELSE 'reminder' END AS kind) k
      WHERE o.satisfied_at IS NULL AND o.due IS NOT NULL AND o.due <= $2 AND i.status <> 'closed'
        AND NOT EXISTS (SELECT 1 FROM incident_alerts a
                         WHERE a.incident_id = o.incident_id AND a.stage = o.stage AND a.kind = k.kind)
      ORDER BY o.due LIMIT $3`,
    [now, until, limit],
  );
  return r.rows;
}

/** Records that an alert was raised; false when it had been already (another server, a repeat). */
export async function insertAlert(
  db: Queryable,
  a: { incidentId: string; stage: string; kind: 'reminder' | 'overdue'; due: Date; at: Date },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO incident_alerts (incident_id, stage, kind, due, raised_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING RETURNING incident_id`,
    [a.incidentId, a.stage, a.kind, a.due, a.at],
  );
  return r.rowCount > 0;
}

export interface AttachmentRow {
  id: string;
  incidentId: string;
  name: string;
  mediaType: string;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedByName: string;
  uploadedByOrg: string | null;
  uploadedAt: Date;
  entrySeq: string;
}

const ATTACHMENT_COLS = `id, incident_id AS "incidentId", name, media_type AS "mediaType", size, sha256,
  uploaded_by AS "uploadedBy", uploaded_by_name AS "uploadedByName", uploaded_by_org AS "uploadedByOrg",
  uploaded_at AS "uploadedAt", entry_seq::text AS "entrySeq"`;

export async function insertAttachment(db: Queryable, a: AttachmentRow, content: Buffer): Promise<void> {
  await db.query(
    `INSERT INTO incident_attachments (id, incident_id, name, media_type, size, sha256, content, uploaded_by,
       uploaded_by_name, uploaded_by_org, uploaded_at, entry_seq)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      a.id,
      a.incidentId,
      a.name,
      a.mediaType,
      a.size,
      a.sha256,
      content,
      a.uploadedBy,
      a.uploadedByName,
      a.uploadedByOrg,
      a.uploadedAt,
      a.entrySeq,
    ],
  );
}

export async function attachmentsOf(db: Queryable, incidentId: string): Promise<AttachmentRow[]> {
  const r = await db.query<AttachmentRow & Record<string, unknown>>(
    `SELECT ${ATTACHMENT_COLS} FROM incident_attachments WHERE incident_id = $1 ORDER BY uploaded_at, id`,
    [incidentId],
  );
  return r.rows;
}

export async function findAttachment(
  db: Queryable,
  incidentId: string,
  id: string,
): Promise<(AttachmentRow & { content: Buffer }) | undefined> {
  const r = await db.query<AttachmentRow & { content: Buffer } & Record<string, unknown>>(
    `SELECT ${ATTACHMENT_COLS}, content FROM incident_attachments WHERE incident_id = $1 AND id = $2`,
    [incidentId, id],
  );
  return r.rows[0];
}

// --- regimes (migrations/0720_incident_regimes.sql) ------------------------------------------------

export interface RegimeVersionRow {
  id: string;
  version: number;
  /** The regime as the deadline engine reads it (deadlines.ts `Regime`), validated before it is stored. */
  definition: unknown;
  createdBy: string;
  createdAt: Date;
}

/** Every version of every regime, oldest first (a handful of rows: the catalogue is read whole). */
export async function regimeVersions(db: Queryable): Promise<RegimeVersionRow[]> {
  const r = await db.query(
    `SELECT id, version, definition, created_by AS "createdBy", created_at AS "createdAt"
     FROM incident_regimes ORDER BY id, version`,
  );
  return r.rows as unknown as RegimeVersionRow[];
}

/** The newest version number of a regime (0: none), locking nothing: the insert's key decides races. */
export async function latestRegimeVersion(db: Queryable, id: string): Promise<number> {
  const r = await db.query('SELECT max(version) AS v FROM incident_regimes WHERE id = $1', [id]);
  return Number((r.rows[0] as { v: number | null } | undefined)?.v ?? 0);
}

/** Stores a version; false when that id and version exist already (another writer was first). */
export async function insertRegimeVersion(
  db: Queryable,
  v: { id: string; version: number; definition: unknown; createdBy: string; createdAt: Date },
): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO incident_regimes (id, version, definition, created_by, created_at)
     VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (id, version) DO NOTHING RETURNING id`,
    [v.id, v.version, JSON.stringify(v.definition), v.createdBy, v.createdAt.toISOString()],
  );
  return r.rows.length === 1;
}
