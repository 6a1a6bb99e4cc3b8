// Authentication: console sessions (cookie + CSRF token), sign-in with rate limiting and throttling
// (throttle.ts), and bearer API tokens. Secrets are stored only as SHA-256 hashes (tokens and
// session ids are 256-bit random values, so a fast hash suffices); passwords with scrypt.
// A token never carries more than its creator holds now: each use checks the creator's current
// state through the same 2 s cache as sessions (dropped at once when this process changes a user).
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { commitRecord } from '../ledger/index.ts';
import type { Database, Queryable } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import { type Actor, assertCan, type Role, visibleOrgsSql } from '../access/index.ts';
import type { EventBus } from '../platform/events.ts';
import type { OrgService, UserRow } from '../orgs/index.ts';
import { DUMMY_HASH, verifyPassword } from '../platform/passwords.ts';
import * as repo from './repo.ts';
import type { ApiToken, CreateToken, SessionInfo, TokenListQuery } from './schema.ts';
import {
  accountKeys,
  delayAfter,
  RESET_AFTER_SECONDS,
  THROTTLE_RULES,
  type ThrottleKeys,
  throttleKeys,
} from './throttle.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * Short-lived cache of resolved credentials; entries are dropped at once on local revocation.
 * `load` is single-flight: the requests that miss one key together share one lookup (64 clients
 * of one token used to send 64 lookups, each waiting for a pooled connection, when its entry
 * lapsed); a lookup that a `delete` or `clear` overtook answers its callers but is not kept.
 */
class TtlCache<V> {
  private readonly map = new Map<string, { v: V; until: number }>();
  private readonly loading = new Map<string, Promise<V>>();
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
  async load(k: string, fetch: () => Promise<V>): Promise<V> {
    const hit = this.get(k);
    if (hit !== undefined) return hit;
    const running = this.loading.get(k);
    if (running) return running;
    const p: Promise<V> = fetch().then(
      (v) => {
        if (this.loading.get(k) === p) {
          this.loading.delete(k);
          this.set(k, v);
        }
        return v;
      },
      (err: unknown) => {
        if (this.loading.get(k) === p) this.loading.delete(k);
        throw err;
      },
    );
    this.loading.set(k, p);
    return p;
  }
  delete(k: string): void {
    this.map.delete(k);
    this.loading.delete(k);
  }
  clear(): void {
    this.map.clear();
    this.loading.clear();
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

const CREDENTIAL_CACHE_MS = 2000;
const TOKEN_PREFIX = 'bwk_';

export interface SessionActor {
  actor: Actor;
  csrfToken: string;
  expiresAt: number;
  displayName: string;
}

export interface AuthOptions {
  sessionTtlSeconds: number;
  /** Sign-in attempts allowed per client address and minute (429 beyond). */
  signInPerMinute?: number;
  /** Live console sessions kept per user; signing in beyond it ends the oldest. */
  maxSessionsPerUser?: number;
  /** Live (unrevoked, unexpired) API tokens per organization; issuing beyond it is refused. */
  maxTokensPerOrg?: number;
  /** Where user changes are announced ('user.updated'): cached user state is dropped at once. */
  events?: EventBus;
}

export const DEFAULT_MAX_SESSIONS_PER_USER = 10;
export const DEFAULT_MAX_TOKENS_PER_ORG = 100;

export class AuthService {
  private readonly sessions = new TtlCache<{ userId: string; csrfToken: string; expiresAt: number } | null>(
    CREDENTIAL_CACHE_MS,
  );
  private readonly tokens = new TtlCache<repo.TokenRow | null>(CREDENTIAL_CACHE_MS);
  /** Current state of users behind sessions and tokens (disabled, roles). */
  private readonly users = new TtlCache<UserRow | null>(CREDENTIAL_CACHE_MS);
  private readonly touched = new Map<string, number>();
  readonly signInLimiter: RateLimiter;
  private readonly sessionTtlSeconds: number;
  readonly maxSessionsPerUser: number;
  readonly maxTokensPerOrg: number;

  constructor(
    private readonly db: Database,
    private readonly orgs: OrgService,
    opts: AuthOptions,
  ) {
    this.sessionTtlSeconds = opts.sessionTtlSeconds;
    this.signInLimiter = new RateLimiter(opts.signInPerMinute ?? 10, 60_000);
    this.maxSessionsPerUser = opts.maxSessionsPerUser ?? DEFAULT_MAX_SESSIONS_PER_USER;
    this.maxTokensPerOrg = opts.maxTokensPerOrg ?? DEFAULT_MAX_TOKENS_PER_ORG;
    opts.events?.subscribe('user.updated', (e) => this.forgetUser((e.data as { id: string }).id));
  }

  /**
   * Ends every console session of a user in the caller's transaction: orgs calls it (through the
   * application context) when it disables a user or changes its roles.
   */
  async endSessionsOf(tx: Queryable, userId: string): Promise<void> {
    await repo.deleteSessionsOfUser(tx, userId);
  }

  /** Drops the cached state of a user (after it was disabled or its roles changed). */
  forgetUser(id: string): void {
    this.users.delete(id);
  }

  private async currentUser(id: string): Promise<UserRow | null> {
    return this.users.load(id, async () => (await this.orgs.userById(id)) ?? null);
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
    // Known and unknown usernames take the same path: the same keys, the same scrypt work, the
    // same answers, so neither a 429 nor a 401 says whether an account exists.
    const keys = throttleKeys(username, client);
    const blocked = await repo.blockedThrottles(this.db, [keys.addr, keys.pair, keys.acct]);
    if (blocked.length > 0) throw throttled(blocked);
    const user = await this.orgs.userByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await this.recordFailure(keys);
      throw errors.unauthenticated('The username or password is wrong.');
    }
    await repo.clearThrottles(this.db, [keys.addr, keys.pair, keys.acct]);
    const cookie = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const evicted = await this.db.transaction(async (tx) => {
      await repo.insertSession(tx, {
        idHash: sha256(cookie),
        userId: user.id,
        csrfToken,
        ttlSeconds: this.sessionTtlSeconds,
      });
      return repo.evictSessionsBeyond(tx, user.id, this.maxSessionsPerUser);
    });
    for (const h of evicted) this.sessions.delete(h.toString('base64'));
    const resolved = await this.resolveSession(cookie);
    if (!resolved) throw errors.internal();
    return { cookie, info: await this.describe(resolved) };
  }

  private async recordFailure(keys: ThrottleKeys): Promise<void> {
    for (const kind of ['addr', 'pair', 'acct'] as const) {
      const failures = await repo.recordThrottleFailure(this.db, keys[kind], RESET_AFTER_SECONDS);
      const delay = delayAfter(failures, THROTTLE_RULES[kind]);
      if (delay > 0) await repo.blockThrottle(this.db, keys[kind], delay);
    }
  }

  /**
   * Ends the sign-in throttle of a user's account (from everywhere) for an administrator of its
   * organization. The CLI's `user unlock` goes through `unlockUsername` as the local administrator.
   */
  async unlockUser(actor: Actor, userId: string): Promise<void> {
    const user = await this.orgs.userById(userId);
    const org = user && (await this.orgs.orgRef(user.orgId));
    if (!user || !org) throw errors.notFound('The user');
    assertCan(actor, 'administer', org, 'The user');
    await this.unlockUsername(user.username);
  }

  /** Clears the throttle of an account by username (the local administrator's CLI); returns rows cleared. */
  async unlockUsername(username: string): Promise<number> {
    const { keys, prefixes } = accountKeys(username);
    return repo.clearThrottles(this.db, keys, prefixes);
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
    const user = await this.currentUser(s.userId);
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

  /** Deletes expired console sessions and forgotten throttle keys; returns how many sessions. */
  async sweepSessions(): Promise<number> {
    await repo.sweepThrottles(this.db, RESET_AFTER_SECONDS);
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
    const row = await this.tokens.load(id, async () => (await repo.findToken(this.db, id)) ?? null);
    if (!row || row.revokedAt || new Date(row.expiresAt).getTime() <= Date.now()) return null;
    const given = sha256(m[2]!);
    if (!timingSafeEqual(given, Buffer.from(row.secretHash))) return null;
    const org = await this.orgs.orgRef(row.orgId);
    if (!org) return null;
    // The token's role intersected with what its creator holds now (an administrator holds every
    // role): a disabled or demoted creator's tokens stop at once, and work again if the rights
    // come back. Tokens of the local administrator (CLI, createdBy null) have no user to follow.
    if (row.createdBy !== null) {
      const creator = await this.currentUser(row.createdBy);
      if (!creator || creator.disabled) return null;
      if (!creator.roles.includes('admin') && !creator.roles.includes(row.role)) return null;
    }
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
    const row = await this.db.transaction(async (tx) => {
      await repo.lockTokenIssuance(tx, org.id);
      const live = await repo.countLiveTokens(tx, org.id);
      if (live >= this.maxTokensPerOrg) {
        throw errors.quotaExceeded(
          'tokens',
          this.maxTokensPerOrg,
          `The organization already has ${live} live API tokens, the most allowed (BULWARK_MAX_TOKENS_PER_ORG = ${this.maxTokensPerOrg}); revoke one first.`,
        );
      }
      const created = await repo.insertToken(tx, {
        id,
        orgId: org.id,
        role: input.role as Role,
        name: input.name,
        secretHash: sha256(secret),
        createdBy: actor.userId,
        ttlSeconds: (input.expiresInDays ?? 90) * 86400,
      });
      // The issuance is a record like any other: who may act for whom, from when, until when.
      // The secret and its hash are not part of it.
      await commitRecord(tx, {
        kind: 'token',
        id,
        version: 1,
        org: org.id,
        record: ledgerTokenRecord(created),
      });
      return created;
    });
    return { token: `${TOKEN_PREFIX}${id.replaceAll('-', '')}_${secret}`, meta: presentToken(row) };
  }

  async listTokens(actor: Actor, page: TokenListQuery = {}): Promise<ApiToken[]> {
    const rows = await repo.listTokens(this.db, (col, params) => visibleOrgsSql(actor, col, params), {
      limit: page.limit ?? 100,
      offset: page.offset ?? 0,
    });
    return rows.map(presentToken);
  }

  async revokeToken(actor: Actor, id: string): Promise<ApiToken> {
    const row = await repo.findToken(this.db, id);
    const org = row && (await this.orgs.orgRef(row.orgId));
    if (!row || !org) throw errors.notFound('The token');
    assertCan(actor, 'administer', org, 'The token');
    if (row.revokedAt) return presentToken(row);
    const revoked = await this.db.transaction(async (tx) => {
      const r = (await repo.revokeToken(tx, id))!;
      await commitRecord(tx, { kind: 'token', id, version: 2, org: r.orgId, record: ledgerTokenRecord(r) });
      return r;
    });
    this.tokens.delete(id);
    return presentToken(revoked);
  }
}

/** What the ledger keeps of a token: its grant, never its use (lastUsedAt) or its secret. */
function ledgerTokenRecord(t: repo.TokenRow) {
  const { lastUsedAt: _lastUsed, ...grant } = presentToken(t);
  return grant;
}

export function presentToken(t: repo.TokenRow): ApiToken {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: t.id,
    name: t.name,
    org: t.orgId,
    role: t.role,
    createdBy: t.createdBy ? { id: t.createdBy, username: t.createdByUsername ?? '' } : null,
    createdAt: new Date(t.createdAt).toISOString(),
    expiresAt: new Date(t.expiresAt).toISOString(),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
  };
}

function throttled(blocked: repo.ThrottleRow[]): Error {
  const until = Math.max(...blocked.map((b) => new Date(b.blockedUntil!).getTime()));
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  return errors.tooManyRequests(seconds, `Too many failed sign-ins; try again in ${seconds} s.`);
}
