// Authentication: console sessions (cookie + CSRF token), sign-in with rate limiting and lockout,
// and bearer API tokens. Secrets are stored only as SHA-256 hashes (tokens and session ids are
// 256-bit random values, so a fast hash suffices); passwords with scrypt.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import { type Actor, assertCan, type Role, visibleOrgsSql } from '../access/index.ts';
import {
  findUser,
  findUserByUsername,
  type OrgService,
  recordFailedSignIn,
  resetFailedSignIns,
} from '../orgs/index.ts';
import { DUMMY_HASH, verifyPassword } from '../platform/passwords.ts';
import * as repo from './repo.ts';
import type { ApiToken, CreateToken, SessionInfo } from './schema.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Short-lived cache of resolved credentials; entries are dropped at once on local revocation. */
class TtlCache<V> {
  private readonly map = new Map<string, { v: V; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}
  get(k: string): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.map.delete(k);
      return undefined;
    }
    return e.v;
  }
  set(k: string, v: V): void {
    if (this.map.size >= this.max) this.map.clear();
    this.map.set(k, { v, until: Date.now() + this.ttlMs });
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
  }
}

/** Fixed-window counter per key, for sign-in attempts per client address. */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.windows.size > 50_000) this.windows.clear();
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return w.count > this.limit ? Math.ceil((w.resetAt - now) / 1000) : 0;
  }
}

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_SECONDS = 15 * 60;
const CREDENTIAL_CACHE_MS = 2000;
const TOKEN_PREFIX = 'bwk_';

export interface SessionActor {
  actor: Actor;
  csrfToken: string;
  expiresAt: number;
  displayName: string;
}

export class AuthService {
  private readonly sessions = new TtlCache<{ userId: string; csrfToken: string; expiresAt: number } | null>(
    CREDENTIAL_CACHE_MS,
  );
  private readonly tokens = new TtlCache<repo.TokenRow | null>(CREDENTIAL_CACHE_MS);
  private readonly touched = new Map<string, number>();
  readonly signInLimiter: RateLimiter;

  constructor(
    private readonly db: Database,
    private readonly orgs: OrgService,
    private readonly sessionTtlSeconds: number,
    signInPerMinute = 10,
  ) {
    this.signInLimiter = new RateLimiter(signInPerMinute, 60_000);
  }

  async signIn(
    username: string,
    password: string,
    client: string,
  ): Promise<{ cookie: string; info: SessionInfo }> {
    const wait = this.signInLimiter.hit(client);
    if (wait > 0)
      throw errors.tooManyRequests(
        wait,
        `Too many sign-in attempts from your address; try again in ${wait} s.`,
      );
    const user = await findUserByUsername(this.db, username);
    if (user?.lockedUntil && new Date(user.lockedUntil).getTime() > Date.now()) {
      throw errors.locked(
        `Too many failed sign-ins: the account is locked until ${new Date(user.lockedUntil).toISOString()}.`,
      );
    }
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      if (user && !ok) {
        const lockedUntil = await recordFailedSignIn(this.db, user.id, LOCK_AFTER_FAILURES, LOCK_SECONDS);
        if (lockedUntil) {
          throw errors.locked(
            `Too many failed sign-ins: the account is locked until ${new Date(lockedUntil).toISOString()}.`,
          );
        }
      }
      throw errors.unauthenticated('The username or password is wrong.');
    }
    await resetFailedSignIns(this.db, user.id);
    const cookie = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await repo.insertSession(this.db, {
      idHash: sha256(cookie),
      userId: user.id,
      csrfToken,
      ttlSeconds: this.sessionTtlSeconds,
    });
    const resolved = await this.resolveSession(cookie);
    if (!resolved) throw errors.internal();
    return { cookie, info: await this.describe(resolved) };
  }

  async describe(s: SessionActor): Promise<SessionInfo> {
    const org = await this.orgs.getOrg(s.actor, s.actor.org.id);
    return {
      user: { id: s.actor.id, username: s.actor.name, name: s.displayName, roles: [...s.actor.roles] },
      org: { id: org.id, name: org.name, kind: org.kind },
      csrfToken: s.csrfToken,
      expiresAt: new Date(s.expiresAt).toISOString(),
    };
  }

  async resolveSession(cookie: string): Promise<SessionActor | null> {
    if (cookie.length < 20 || cookie.length > 100) return null;
    const key = sha256(cookie);
    const k = key.toString('base64');
    let s = this.sessions.get(k);
    if (s === undefined) {
      const row = await repo.findSession(this.db, key);
      s = row
        ? { userId: row.userId, csrfToken: row.csrfToken, expiresAt: new Date(row.expiresAt).getTime() }
        : null;
      this.sessions.set(k, s);
    }
    if (!s || s.expiresAt <= Date.now()) return null;
    const user = await findUser(this.db, s.userId);
    if (!user || user.disabled) return null;
    const org = await this.orgs.orgRef(user.orgId);
    if (!org) return null;
    return {
      csrfToken: s.csrfToken,
      expiresAt: s.expiresAt,
      displayName: user.displayName,
      actor: {
        subject: 'user',
        id: user.id,
        userId: user.id,
        name: user.username,
        org,
        roles: user.roles,
      },
    };
  }

  /**
   * Ends every console session of a user in the caller's transaction: orgs calls it (through the
   * application context) when it disables a user or changes its roles.
   */
  async endSessionsOf(tx: Queryable, userId: string): Promise<void> {
    await repo.deleteSessionsOfUser(tx, userId);
  }

  /** Deletes expired console sessions; returns how many. */
  sweepSessions(): Promise<number> {
    return repo.deleteExpiredSessions(this.db);
  }

  async signOut(cookie: string): Promise<void> {
    const key = sha256(cookie);
    await repo.deleteSession(this.db, key);
    this.sessions.delete(key.toString('base64'));
  }

  /** Resolves `Authorization: Bearer bwk_…` to an actor, or null when it is not a valid token. */
  async resolveBearer(token: string): Promise<Actor | null> {
    const m = /^bwk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return null;
    const id = m[1]!.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    let row = this.tokens.get(id);
    if (row === undefined) {
      row = (await repo.findToken(this.db, id)) ?? null;
      this.tokens.set(id, row);
    }
    if (!row || row.revokedAt || new Date(row.expiresAt).getTime() <= Date.now()) return null;
    const given = sha256(m[2]!);
    if (!timingSafeEqual(given, Buffer.from(row.secretHash))) return null;
    const org = await this.orgs.orgRef(row.orgId);
    if (!org) return null;
    this.noteUse(row.id);
    return {
      subject: 'token',
      id: row.id,
      userId: row.createdBy,
      name: `token:${row.name}`,
      org,
      roles: [row.role],
    };
  }

  // last_used_at is informative; write it at most once a minute per token, off the request path.
  private noteUse(id: string): void {
    const now = Date.now();
    if ((this.touched.get(id) ?? 0) > now - 60_000) return;
    this.touched.set(id, now);
    repo.touchToken(this.db, id).catch(() => this.touched.delete(id));
  }

  async createToken(actor: Actor, input: CreateToken): Promise<{ token: string; meta: ApiToken }> {
    const orgId = input.org ?? actor.org.id;
    const org = await this.orgs.orgRef(orgId);
    if (!org)
      throw errors.unprocessable('The organization does not exist.', [
        { pointer: '/org', detail: 'no such organization' },
      ]);
    assertCan(actor, 'administer', org, 'The organization');
    if (!actor.roles.includes('admin') && !actor.roles.includes(input.role as Role)) {
      throw errors.forbidden(
        `You cannot issue a token with the role '${input.role}', which you do not hold.`,
      );
    }
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const row = await repo.insertToken(this.db, {
      id,
      orgId: org.id,
      role: input.role as Role,
      name: input.name,
      secretHash: sha256(secret),
      createdBy: actor.userId,
      ttlSeconds: (input.expiresInDays ?? 90) * 86400,
    });
    return { token: `${TOKEN_PREFIX}${id.replaceAll('-', '')}_${secret}`, meta: presentToken(row) };
  }

  async listTokens(actor: Actor): Promise<ApiToken[]> {
    const rows = await repo.listTokens(this.db, (col, params) => visibleOrgsSql(actor, col, params));
    return rows.map(presentToken);
  }

  async revokeToken(actor: Actor, id: string): Promise<ApiToken> {
    const row = await repo.findToken(this.db, id);
    const org = row && (await this.orgs.orgRef(row.orgId));
    if (!row || !org) throw errors.notFound('The token');
    assertCan(actor, 'administer', org, 'The token');
    const revoked = await repo.revokeToken(this.db, id);
    this.tokens.delete(id);
    return presentToken(revoked!);
  }
}

export function presentToken(t: repo.TokenRow): ApiToken {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: t.id,
    name: t.name,
    org: t.orgId,
    role: t.role,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
  };
}
