// All SQL of the organizations domain: organizations and users.
import type { Queryable } from '../platform/db/types.ts';
import type { OrgKind, OrgRef, Role } from '../access/index.ts';

export interface OrgRow extends OrgRef {
  parentId: string | null;
  name: string;
  critical: boolean;
  demo: boolean;
  version: number;
  createdAt: Date;
}

const ORG_COLUMNS = `id, parent_id AS "parentId", path, name, kind, region, sector, critical, demo, version,
  created_at AS "createdAt"`;

type R = Record<string, unknown>;

export async function listAllOrgs(db: Queryable): Promise<OrgRow[]> {
  const r = await db.query(`SELECT ${ORG_COLUMNS} FROM organizations ORDER BY path`);
  return r.rows as unknown as OrgRow[];
}

export async function findOrg(db: Queryable, id: string): Promise<OrgRow | undefined> {
  const r = await db.query(`SELECT ${ORG_COLUMNS} FROM organizations WHERE id = $1`, [id]);
  return r.rows[0] as unknown as OrgRow | undefined;
}

export async function findRootOrg(db: Queryable): Promise<OrgRow | undefined> {
  const r = await db.query(`SELECT ${ORG_COLUMNS} FROM organizations WHERE parent_id IS NULL`);
  return r.rows[0] as unknown as OrgRow | undefined;
}

export async function countOrgs(db: Queryable): Promise<number> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM organizations');
  return r.rows[0]!.n;
}

export interface NewOrg {
  id: string;
  parentId: string | null;
  path: string;
  name: string;
  kind: OrgKind;
  region: string;
  sector: string | null;
  critical: boolean;
  demo: boolean;
}

export async function insertOrg(db: Queryable, o: NewOrg): Promise<OrgRow> {
  const r = await db.query(
    `INSERT INTO organizations (id, parent_id, path, name, kind, region, sector, critical, demo)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${ORG_COLUMNS}`,
    [o.id, o.parentId, o.path, o.name, o.kind, o.region, o.sector, o.critical, o.demo],
  );
  return r.rows[0] as unknown as OrgRow;
}

export interface UserRow {
  id: string;
  orgId: string;
  username: string;
  displayName: string;
  roles: Role[];
  passwordHash: string;
  /** Sign-in from somewhere is being slowed down now (auth's throttle; an administrator may unlock). */
  locked: boolean;
  disabled: boolean;
  version: number;
  createdAt: Date;
}

// `locked` reads the sign-in throttle (migration 0002, src/auth/throttle.ts) by the key it derives
// from the username: a display flag, so it is read here rather than by a second query per list.
const USER_COLUMNS = `id, org_id AS "orgId", username, display_name AS "displayName", roles,
  password_hash AS "passwordHash", disabled, version, created_at AS "createdAt",
  EXISTS (SELECT 1 FROM sign_in_throttle t
          WHERE (t.key = 'acct:' || encode(sha256(convert_to(username, 'UTF8')), 'hex')
                 OR t.key LIKE 'pair:' || encode(sha256(convert_to(username, 'UTF8')), 'hex') || ':%')
            AND t.blocked_until > now()) AS locked`;

export async function listUsers(
  db: Queryable,
  visibility: (col: string, params: unknown[]) => string,
  org: string | undefined,
  page: { limit: number; offset: number },
) {
  const params: unknown[] = [];
  let where = visibility('u.org_id', params);
  if (org) {
    params.push(org);
    where += ` AND u.org_id = $${params.length}`;
  }
  params.push(page.limit, page.offset);
  const r = await db.query(
    `SELECT ${USER_COLUMNS} FROM users u WHERE ${where} ORDER BY u.username
     LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return r.rows as unknown as UserRow[];
}

export async function findUser(db: Queryable, id: string): Promise<UserRow | undefined> {
  const r = await db.query(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return r.rows[0] as unknown as UserRow | undefined;
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserRow | undefined> {
  const r = await db.query(`SELECT ${USER_COLUMNS} FROM users WHERE username = $1`, [username]);
  return r.rows[0] as unknown as UserRow | undefined;
}

export async function insertUser(
  db: Queryable,
  u: {
    id: string;
    orgId: string;
    username: string;
    displayName: string;
    roles: Role[];
    passwordHash: string;
  },
): Promise<UserRow> {
  const r = await db.query(
    `INSERT INTO users (id, org_id, username, display_name, roles, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER_COLUMNS}`,
    [u.id, u.orgId, u.username, u.displayName, u.roles, u.passwordHash],
  );
  return r.rows[0] as unknown as UserRow;
}

export async function usernameTaken(db: Queryable, username: string): Promise<boolean> {
  const r = await db.query<R>('SELECT 1 FROM users WHERE username = $1', [username]);
  return r.rows.length > 0;
}

export async function updateOrg(
  db: Queryable,
  id: string,
  patch: { name?: string; critical?: boolean },
): Promise<OrgRow | undefined> {
  const r = await db.query(
    `UPDATE organizations SET name = coalesce($2, name), critical = coalesce($3, critical),
       version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING ${ORG_COLUMNS}`,
    [id, patch.name ?? null, patch.critical ?? null],
  );
  return r.rows[0] as unknown as OrgRow | undefined;
}

export async function updateUser(
  db: Queryable,
  id: string,
  patch: { displayName?: string; roles?: Role[]; disabled?: boolean },
): Promise<UserRow | undefined> {
  const r = await db.query(
    `UPDATE users SET display_name = coalesce($2, display_name), roles = coalesce($3, roles),
       disabled = coalesce($4, disabled), version = version + 1
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, patch.displayName ?? null, patch.roles ?? null, patch.disabled ?? null],
  );
  return r.rows[0] as unknown as UserRow | undefined;
}
