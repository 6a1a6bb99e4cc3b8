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
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const TOKEN_COLUMNS = `id, org_id AS "orgId", role, name, secret_hash AS "secretHash", created_by AS "createdBy",
  created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`;

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
    `INSERT INTO api_tokens (id, org_id, role, name, secret_hash, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7)) RETURNING ${TOKEN_COLUMNS}`,
    [t.id, t.orgId, t.role, t.name, t.secretHash, t.createdBy, t.ttlSeconds],
  );
  return r.rows[0] as unknown as TokenRow;
}

export async function findToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const r = await db.query(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
  return r.rows[0] as unknown as TokenRow | undefined;
}

export async function listTokens(db: Queryable, visibility: (col: string, params: unknown[]) => string) {
  const params: unknown[] = [];
  const r = await db.query(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens t WHERE ${visibility('t.org_id', params)} ORDER BY t.created_at DESC`,
    params,
  );
  return r.rows as unknown as TokenRow[];
}

export async function revokeToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const r = await db.query(
    `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
    [id],
  );
  return r.rows[0] as unknown as TokenRow | undefined;
}

export async function touchToken(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
}
