// All SQL of the notify domain, on the tables it owns (migrations/0700_notify.sql).
import type { Queryable } from '../platform/db/types.ts';

export interface NotificationRow {
  id: string;
  orgId: string;
  topic: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  createdAt: Date;
  read: boolean;
}

export type Channel = 'webhook' | 'email';

export interface SubscriptionRow {
  id: string;
  orgId: string;
  channel: Channel;
  target: string;
  events: string[];
  description: string;
  secretEnc: Buffer | null;
  active: boolean;
  deleted: boolean;
  createdBy: string;
  versionNo: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OutboxRow {
  id: string;
  subscriptionId: string;
  topic: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAt: Date;
}

export interface DeliveryRow {
  id: string;
  outboxId: string;
  subscriptionId: string;
  topic: string;
  attempt: number;
  at: Date;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  status: OutboxRow['status'];
}

const SUB_COLS = `id, org_id AS "orgId", channel, target, events, description, secret_enc AS "secretEnc",
  active, deleted, created_by AS "createdBy", version_no AS "versionNo", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

/**
 * Inserts notifications in one statement; a row whose dedupe key was notified before (or earlier in
 * the same list) is skipped. Answers the ids inserted.
 */
export async function insertNotifications(
  db: Queryable,
  rows: readonly (Omit<NotificationRow, 'read'> & { dedupeKey: string | null })[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const r = await db.query<{ id: string }>(
    `INSERT INTO notifications (id, org_id, topic, title, body, link, data, dedupe_key, created_at)
     SELECT id, org_id, topic, title, body, link, data, dedupe_key, created_at
       FROM json_to_recordset($1::json) AS x(id uuid, org_id uuid, topic text, title text, body text, link text,
                                              data jsonb, dedupe_key text, created_at timestamptz)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [
      JSON.stringify(
        rows.map((n) => ({
          id: n.id,
          org_id: n.orgId,
          topic: n.topic,
          title: n.title,
          body: n.body,
          link: n.link,
          data: n.data,
          dedupe_key: n.dedupeKey,
          created_at: n.createdAt.toISOString(),
        })),
      ),
    ],
  );
  return new Set(r.rows.map((x) => x.id));
}

export async function listNotifications(
  db: Queryable,
  orgId: string,
  reader: string,
  q: { unread?: boolean; limit: number; offset: number },
): Promise<NotificationRow[]> {
  const r = await db.query<NotificationRow & Record<string, unknown>>(
    `SELECT n.id, n.org_id AS "orgId", n.topic, n.title, n.body, n.link, n.data, n.created_at AS "createdAt",
            (r.reader IS NOT NULL) AS read
       FROM notifications n
       LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.reader = $2
      WHERE n.org_id = $1 ${q.unread ? 'AND r.reader IS NULL' : ''}
      ORDER BY n.created_at DESC, n.id
      LIMIT $3 OFFSET $4`,
    [orgId, reader, q.limit, q.offset],
  );
  return r.rows;
}

export async function unreadCount(db: Queryable, orgId: string, reader: string): Promise<number> {
  const r = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM notifications n
      WHERE n.org_id = $1
        AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.reader = $2)`,
    [orgId, reader],
  );
  return Number(r.rows[0]?.n ?? 0);
}

/** Marks the organization's notifications (all, or those listed) read for the reader; answers how many. */
export async function markRead(
  db: Queryable,
  orgId: string,
  reader: string,
  ids: readonly string[] | null,
): Promise<number> {
  const r = await db.query(
    `INSERT INTO notification_reads (notification_id, reader)
     SELECT n.id, $2 FROM notifications n
      WHERE n.org_id = $1 ${ids ? 'AND n.id = ANY($3::uuid[])' : ''}
     ON CONFLICT DO NOTHING`,
    ids ? [orgId, reader, ids] : [orgId, reader],
  );
  return r.rowCount;
}

/** Active subscriptions of an organization whose filter takes the topic (exact, `domain.*` or `*`). */
/** The live subscriptions of each (organization, topic) pair that deliver the topic, with the pair's index. */
export async function subscriptionsForAll(
  db: Queryable,
  pairs: readonly { orgId: string; topic: string }[],
): Promise<(SubscriptionRow & { pair: number })[]> {
  if (pairs.length === 0) return [];
  const r = await db.query<SubscriptionRow & { pair: number } & Record<string, unknown>>(
    `SELECT p.i - 1 AS pair, s.id, s.org_id AS "orgId", s.channel, s.target, s.events, s.description,
            s.secret_enc AS "secretEnc", s.active, s.deleted, s.created_by AS "createdBy",
            s.version_no AS "versionNo", s.created_at AS "createdAt", s.updated_at AS "updatedAt"
       FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS p(org_id, topic, i)
       JOIN notify_subscriptions s ON s.org_id = p.org_id AND s.active AND NOT s.deleted
        AND (p.topic = ANY(s.events) OR '*' = ANY(s.events) OR split_part(p.topic, '.', 1) || '.*' = ANY(s.events))
      ORDER BY p.i, s.created_at, s.id`,
    [pairs.map((p) => p.orgId), pairs.map((p) => p.topic)],
  );
  return r.rows.map((row) => ({ ...row, pair: Number(row.pair) }));
}

export async function insertSubscription(db: Queryable, s: SubscriptionRow): Promise<void> {
  await db.query(
    `INSERT INTO notify_subscriptions (id, org_id, channel, target, events, description, secret_enc, active,
       deleted, created_by, version_no, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      s.id,
      s.orgId,
      s.channel,
      s.target,
      s.events,
      s.description,
      s.secretEnc,
      s.active,
      s.deleted,
      s.createdBy,
      s.versionNo,
      s.createdAt,
      s.updatedAt,
    ],
  );
}

export async function updateSubscription(db: Queryable, s: SubscriptionRow): Promise<void> {
  await db.query(
    `UPDATE notify_subscriptions SET target = $2, events = $3, description = $4, active = $5, deleted = $6,
       version_no = $7, updated_at = $8 WHERE id = $1`,
    [s.id, s.target, s.events, s.description, s.active, s.deleted, s.versionNo, s.updatedAt],
  );
}

export async function findSubscription(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<SubscriptionRow | undefined> {
  const r = await db.query<SubscriptionRow & Record<string, unknown>>(
    `SELECT ${SUB_COLS} FROM notify_subscriptions WHERE id = $1 AND NOT deleted ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return r.rows[0];
}

export async function listSubscriptions(
  db: Queryable,
  visible: (col: string, params: unknown[]) => string,
  org: string | undefined,
): Promise<SubscriptionRow[]> {
  const params: unknown[] = [];
  let where = `NOT deleted AND ${visible('org_id', params)}`;
  if (org) {
    params.push(org);
    where += ` AND org_id = $${params.length}`;
  }
  const r = await db.query<SubscriptionRow & Record<string, unknown>>(
    `SELECT ${SUB_COLS} FROM notify_subscriptions WHERE ${where} ORDER BY created_at, id LIMIT 500`,
    params,
  );
  return r.rows;
}

export async function insertOutbox(db: Queryable, rows: readonly Omit<OutboxRow, 'status' | 'attempts'>[]) {
  for (const o of rows)
    await db.query(
      `INSERT INTO notify_outbox (id, subscription_id, topic, payload, next_at) VALUES ($1, $2, $3, $4, $5)`,
      [o.id, o.subscriptionId, o.topic, JSON.stringify(o.payload), o.nextAt],
    );
}

/**
 * Claims up to `limit` due deliveries until `until`: another worker (or this one after a restart)
 * takes a row over only once its claim has lapsed. SKIP LOCKED lets several servers share the outbox.
 */
export async function claimDue(db: Queryable, now: Date, until: Date, limit: number): Promise<OutboxRow[]> {
  const r = await db.query<OutboxRow & Record<string, unknown>>(
    `UPDATE notify_outbox SET claimed_until = $2
      WHERE id IN (SELECT id FROM notify_outbox
                    WHERE status = 'pending' AND next_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1)
                    ORDER BY next_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING id, subscription_id AS "subscriptionId", topic, payload, status, attempts, next_at AS "nextAt"`,
    [now, until, limit],
  );
  return r.rows;
}

/** The earliest time a pending delivery falls due (the worker sleeps until then at most). */
export async function nextDueAt(db: Queryable): Promise<Date | null> {
  const r = await db.query<{ at: Date | null }>(
    `SELECT min(next_at) AS at FROM notify_outbox WHERE status = 'pending'`,
  );
  return r.rows[0]?.at ?? null;
}

export async function recordAttempt(
  db: Queryable,
  o: { id: string; subscriptionId: string; attempt: number },
  d: { at: Date; ok: boolean; statusCode: number | null; error: string | null; durationMs: number },
  next: { status: OutboxRow['status']; nextAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO notify_deliveries (outbox_id, subscription_id, attempt, at, ok, status_code, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      o.id,
      o.subscriptionId,
      o.attempt,
      d.at,
      d.ok,
      d.statusCode,
      d.error?.slice(0, 500) ?? null,
      d.durationMs,
    ],
  );
  await db.query(
    `UPDATE notify_outbox SET attempts = $2, status = $3, next_at = $4, claimed_until = NULL, last_error = $5,
       delivered_at = CASE WHEN $3 = 'delivered' THEN $6::timestamptz ELSE delivered_at END
      WHERE id = $1`,
    [o.id, o.attempt, next.status, next.nextAt, d.error?.slice(0, 500) ?? null, d.at],
  );
}

export async function deliveriesOf(
  db: Queryable,
  subscriptionId: string,
  limit: number,
): Promise<DeliveryRow[]> {
  const r = await db.query<DeliveryRow & Record<string, unknown>>(
    `SELECT d.id::text AS id, d.outbox_id AS "outboxId", d.subscription_id AS "subscriptionId", o.topic,
            d.attempt, d.at, d.ok, d.status_code AS "statusCode", d.error, d.duration_ms AS "durationMs",
            o.status
       FROM notify_deliveries d JOIN notify_outbox o ON o.id = d.outbox_id
      WHERE d.subscription_id = $1
      ORDER BY d.id DESC LIMIT $2`,
    [subscriptionId, limit],
  );
  return r.rows;
}
