// All SQL of sessions and API tokens.
import type { Queryable } from '../platform/db/types.ts';
import type { Role } from '../access/index.ts';

export interface SessionRow {
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function insertSession(
  db: Queryable,
  s: { idHash: Buffer; userId: string; csrfToken: string; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [s.idHash, s.userId, s.csrfToken, s.ttlSeconds],
  );
}

/**
 * Keeps the `keep` newest live sessions of a user and deletes the rest (and expired ones);
 * returns the id hashes deleted so the caller can drop them from its cache.
 */
export async function evictSessionsBeyond(db: Queryable, userId: string, keep: number): Promise<Buffer[]> {
  const r = await db.query<{ idHash: Uint8Array }>(
    `DELETE FROM sessions WHERE user_id = $1 AND id_hash NOT IN (
       SELECT id_hash FROM sessions WHERE user_id = $1 AND expires_at > now()
       ORDER BY created_at DESC, id_hash LIMIT $2)
     RETURNING id_hash AS "idHash"`,
    [userId, keep],
  );
  return r.rows.map((x) => Buffer.from(x.idHash));
}

export async function findSession(db: Queryable, idHash: Buffer): Promise<SessionRow | undefined> {
  const r = await db.query(
    `SELECT user_id AS "userId", csrf_token AS "csrfToken", expires_at AS "expiresAt"
     FROM sessions WHERE id_hash = $1 AND expires_at > now()`,
    [idHash],
  );
  return r.rows[0] as unknown as SessionRow | undefined;
}

export async function deleteSession(db: Queryable, idHash: Buffer): Promise<void> {
  await db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
}

/** Ends every console session of a user (after it is disabled or its roles change). */
export async function deleteSessionsOfUser(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const r = await db.query('DELETE FROM sessions WHERE expires_at <= now()');
  return r.rowCount;
}

export interface TokenRow {
  id: string;
  orgId: string;
  role: Role;
  name: string;
  secretHash: Buffer;
  createdBy: string | null;
  /** Username of the creator; null when the local administrator (CLI) issued the token. */
  createdByUsername: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const TOKEN_COLUMNS = `t.id, t.org_id AS "orgId", t.role, t.name, t.secret_hash AS "secretHash",
  t.created_by AS "createdBy", (SELECT u.username FROM users u WHERE u.id = t.created_by) AS "createdByUsername",
  t.created_at AS "createdAt", t.expires_at AS "expiresAt", t.revoked_at AS "revokedAt",
  t.last_used_at AS "lastUsedAt"`;

export async function insertToken(
  db: Queryable,
  t: {
    id: string;
    orgId: string;
    role: Role;
    name: string;
    secretHash: Buffer;
    createdBy: string | null;
    ttlSeconds: number;
  },
): Promise<TokenRow> {
  const r = await db.query(
    `INSERT INTO api_tokens AS t (id, org_id, role, name, secret_hash, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING ${TOKEN_COLUMNS}`,
    [t.id, t.orgId, t.role, t.name, t.secretHash, t.createdBy, t.ttlSeconds],
  );
  return r.rows[0] as unknown as TokenRow;
}

export async function findToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const r = await db.query(`SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE t.id = $1`, [id]);
  return r.rows[0] as unknown as TokenRow | undefined;
}

export async function listTokens(
  db: Queryable,
  visibility: (col: string, params: unknown[]) => string,
  page: { limit: number; offset: number },
) {
  const params: unknown[] = [];
  const where = visibility('t.org_id', params);
  params.push(page.limit, page.offset);
  const r = await db.query(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE ${where}
     ORDER BY t.created_at DESC, t.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows as unknown as TokenRow[];
}

export async function revokeToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const r = await db.query(
    `UPDATE api_tokens AS t SET revoked_at = coalesce(t.revoked_at, now()) WHERE t.id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [id],
  );
  return r.rows[0] as unknown as TokenRow | undefined;
}

export async function touchToken(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
}

/** Serialises token issuance for one organization until the transaction ends (the quota check). */
export async function lockTokenIssuance(db: Queryable, orgId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('bulwark.tokens:' || $1))`, [orgId]);
}

export async function countLiveTokens(db: Queryable, orgId: string): Promise<number> {
  const r = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL AND expires_at > now()',
    [orgId],
  );
  return r.rows[0]!.n;
}

// Sign-in throttle (migration 0002): one row per key, see throttle.ts for the keys and delays.

export interface ThrottleRow {
  key: string;
  failures: number;
  blockedUntil: Date | null;
}

/** The keys that are blocked now, with their end. */
export async function blockedThrottles(db: Queryable, keys: string[]): Promise<ThrottleRow[]> {
  const r = await db.query(
    `SELECT key, failures, blocked_until AS "blockedUntil" FROM sign_in_throttle
     WHERE key = ANY($1::text[]) AND blocked_until > now()`,
    [keys],
  );
  return r.rows as unknown as ThrottleRow[];
}

/**
 * Counts one failure on a key and returns the count: the count restarts at 1 when the previous
 * failure is older than `resetAfterSeconds` (expiry), so an old episode never shortens the next.
 */
export async function recordThrottleFailure(
  db: Queryable,
  key: string,
  resetAfterSeconds: number,
): Promise<number> {
  const r = await db.query<{ failures: number }>(
    `INSERT INTO sign_in_throttle AS s (key, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (key) DO UPDATE SET
       failures = CASE WHEN s.last_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE s.failures + 1 END,
       blocked_until = CASE WHEN s.last_failure_at < now() - make_interval(secs => $2) THEN NULL ELSE s.blocked_until END,
       last_failure_at = now()
     RETURNING failures`,
    [key, resetAfterSeconds],
  );
  return r.rows[0]!.failures;
}

export async function blockThrottle(db: Queryable, key: string, seconds: number): Promise<void> {
  await db.query(
    'UPDATE sign_in_throttle SET blocked_until = now() + make_interval(secs => $2) WHERE key = $1',
    [key, seconds],
  );
}

/** Forgets keys (success, an administrator's unlock); `prefixes` match the start of a key. */
export async function clearThrottles(
  db: Queryable,
  keys: string[],
  prefixes: string[] = [],
): Promise<number> {
  const r = await db.query(
    `DELETE FROM sign_in_throttle WHERE key = ANY($1::text[])
       OR EXISTS (SELECT 1 FROM unnest($2::text[]) p WHERE starts_with(key, p))`,
    [keys, prefixes],
  );
  return r.rowCount;
}

/** Deletes throttle rows whose last failure is older than the reset period. */
export async function sweepThrottles(db: Queryable, olderThanSeconds: number): Promise<number> {
  const r = await db.query(
    'DELETE FROM sign_in_throttle WHERE last_failure_at < now() - make_interval(secs => $1)',
    [olderThanSeconds],
  );
  return r.rowCount;
}
