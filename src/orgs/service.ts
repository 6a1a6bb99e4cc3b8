// The organizations domain: the tree, its users, and the directory other domains ask to turn an
// organization id into what the access function needs. The directory is held in memory (the org
// tree is small and read on every request) and reloaded after local writes and when older than a
// couple of seconds, so that writes made by another process show up promptly.
import { randomUUID } from 'node:crypto';
import { commitRecord } from '../ledger/index.ts';
import type { Database, Queryable } from '../platform/db/types.ts';
import { errors } from '../platform/errors.ts';
import type { EventBus } from '../platform/events.ts';
import { hashPassword } from '../platform/passwords.ts';
import {
  type Actor,
  assertCan,
  canSee,
  type OrgRef,
  type Role,
  seesScopeOf,
  visibleOrgsSql,
} from '../access/index.ts';
import { presentOrg, presentUser } from './presenters.ts';
import * as repo from './repo.ts';
import type {
  CreateOrganization,
  CreateUser,
  Organization,
  OrgListQuery,
  UpdateOrganization,
  UpdateUser,
  User,
  UserListQuery,
} from './schema.ts';

const DIRECTORY_MAX_AGE_MS = 2000;

/**
 * Console sessions belong to src/auth, which sits above orgs: the application context hands auth's
 * `endSessionsOf` in, and it runs in the transaction that disables a user or changes its roles, so
 * the change and the end of its sessions commit together.
 */
export interface UserSessions {
  endSessionsOf(tx: Queryable, userId: string): Promise<void>;
}

export class OrgService {
  private byId = new Map<string, repo.OrgRow>();
  private ordered: repo.OrgRow[] = [];
  // Presented once per reload: the list is read on almost every console page and API call.
  private presented = new Map<string, Organization>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Database,
    private readonly events: EventBus,
    private readonly sessions: UserSessions,
  ) {}

  private async reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const rows = await repo.listAllOrgs(this.db);
        this.ordered = rows;
        this.byId = new Map(rows.map((r) => [r.id, r]));
        this.presented = new Map(rows.map((r) => [r.id, presentOrg(r)]));
        this.loadedAt = Date.now();
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }

  private async directory(): Promise<void> {
    if (Date.now() - this.loadedAt > DIRECTORY_MAX_AGE_MS) await this.reload();
  }

  /** Forget the cached tree (after a write in this process). */
  invalidate(): void {
    this.loadedAt = 0;
  }

  /** The organization as the access function sees it, or undefined when it does not exist. */
  async orgRef(id: string): Promise<OrgRef | undefined> {
    await this.directory();
    let o = this.byId.get(id);
    if (!o) {
      // Perhaps created a moment ago by another process.
      await this.reload();
      o = this.byId.get(id);
    }
    return o;
  }

  async root(): Promise<repo.OrgRow | undefined> {
    await this.directory();
    return this.ordered.find((o) => o.parentId === null);
  }

  async listOrgs(actor: Actor, q: OrgListQuery = {}): Promise<Organization[]> {
    await this.directory();
    const needle = q.q?.toLowerCase();
    const out: Organization[] = [];
    for (const o of this.ordered) {
      if (!canSee(actor, o)) continue;
      if (q.kind && o.kind !== q.kind) continue;
      if (q.sector && o.sector !== q.sector) continue;
      if (needle && !o.name.toLowerCase().includes(needle)) continue;
      out.push(this.presented.get(o.id)!);
    }
    return out;
  }

  async getOrg(actor: Actor, id: string): Promise<Organization> {
    const o = await this.orgRef(id);
    if (!o || !canSee(actor, o)) throw errors.notFound('The organization');
    return this.presented.get(id)!;
  }

  async createOrg(
    actor: Actor,
    input: CreateOrganization,
    opts: { demo?: boolean } = {},
  ): Promise<Organization> {
    const parent = await this.orgRef(input.parent);
    if (!parent)
      throw errors.unprocessable('The parent organization does not exist.', [
        { pointer: '/parent', detail: 'no such organization' },
      ]);
    assertCan(actor, 'administer', parent, 'The parent organization');
    if (parent.kind === 'operator') {
      throw errors.unprocessable('An operator cannot have child organizations.', [
        { pointer: '/parent', detail: 'is an operator' },
      ]);
    }
    if (!(input.region === parent.region || input.region.startsWith(`${parent.region}-`))) {
      throw errors.unprocessable(`The region must be ${parent.region} or a region inside it.`, [
        { pointer: '/region', detail: `outside the parent's region ${parent.region}` },
      ]);
    }
    if ((input.kind === 'sector-regulator' || input.kind === 'operator') && !input.sector) {
      throw errors.unprocessable(`A ${input.kind} needs a sector.`, [
        { pointer: '/sector', detail: 'required' },
      ]);
    }
    const id = randomUUID();
    // The new organization's view must lie inside the creator's (issue 8 #4): a sector regulator
    // sees its sector's operators across the tree, so only an organization that already sees
    // that scope (the coordination centre, or a regulator of the sector above it) creates one.
    const candidate: OrgRef = {
      id,
      path: `${parent.path}${id}/`,
      kind: input.kind,
      sector: input.sector ?? null,
      region: input.region,
    };
    if (!seesScopeOf(actor.org, candidate))
      throw errors.forbidden(
        `A ${input.kind} of ${input.sector} in ${input.region} would see operators your organization does not see: only an organization that already sees that scope (the coordination centre) may create it.`,
      );
    const row = await this.db.transaction(async (tx) => {
      const created = await repo.insertOrg(tx, {
        id,
        parentId: parent.id,
        path: `${parent.path}${id}/`,
        name: input.name,
        kind: input.kind,
        region: input.region,
        sector: input.sector ?? null,
        critical: input.critical ?? false,
        demo: opts.demo ?? false,
      });
      await commitRecord(tx, { kind: 'organization', id, version: 1, org: id, record: presentOrg(created) });
      return created;
    });
    this.invalidate();
    this.events.publish('organization.created', id, { id });
    return presentOrg(row);
  }

  /** Creates the coordination centre of an empty database (the root of the tree). */
  async createRoot(input: { name: string; region: string; demo?: boolean }): Promise<Organization> {
    const id = randomUUID();
    const row = await this.db.transaction(async (tx) => {
      if (await repo.findRootOrg(tx)) throw errors.rootExists();
      const created = await repo.insertOrg(tx, {
        id,
        parentId: null,
        path: `/${id}/`,
        name: input.name,
        kind: 'coordination-centre',
        region: input.region,
        sector: null,
        critical: true,
        demo: input.demo ?? false,
      });
      await commitRecord(tx, { kind: 'organization', id, version: 1, org: id, record: presentOrg(created) });
      return created;
    });
    this.invalidate();
    return presentOrg(row);
  }

  async updateOrg(actor: Actor, id: string, patch: UpdateOrganization): Promise<Organization> {
    const org = await this.orgRef(id);
    if (!org) throw errors.notFound('The organization');
    assertCan(actor, 'administer', org, 'The organization');
    const row = await this.db.transaction(async (tx) => {
      const updated = await repo.updateOrg(tx, id, patch);
      if (!updated) throw errors.notFound('The organization');
      await commitRecord(tx, {
        kind: 'organization',
        id,
        version: updated.version,
        org: id,
        record: presentOrg(updated),
      });
      return updated;
    });
    this.invalidate();
    this.events.publish('organization.updated', id, { id });
    return presentOrg(row);
  }

  /** A user's stored credentials and state, for sign-in and session checks (src/auth); never presented. */
  userById(id: string): Promise<repo.UserRow | undefined> {
    return repo.findUser(this.db, id);
  }

  /** The same, by username (sign-in). */
  userByUsername(username: string): Promise<repo.UserRow | undefined> {
    return repo.findUserByUsername(this.db, username);
  }

  async updateUser(actor: Actor, id: string, patch: UpdateUser): Promise<User> {
    const user = await repo.findUser(this.db, id);
    const org = user && (await this.orgRef(user.orgId));
    if (!user || !org) throw errors.notFound('The user');
    assertCan(actor, 'administer', org, 'The user');
    if (user.id === actor.userId && (patch.disabled || (patch.roles && !patch.roles.includes('admin')))) {
      throw errors.ownAccount('You cannot disable yourself or take away your own administrator role.');
    }
    // Granting the administrator role needs no check of its own: only administrators pass
    // `administer` (src/access/policy.ts), so every caller that gets here holds that role.
    const row = await this.db.transaction(async (tx) => {
      const updated = await repo.updateUser(tx, id, {
        displayName: patch.name,
        roles: patch.roles as Role[] | undefined,
        disabled: patch.disabled,
      });
      if (!updated) throw errors.notFound('The user');
      if (patch.disabled || patch.roles) await this.sessions.endSessionsOf(tx, id);
      await commitRecord(tx, {
        kind: 'user',
        id,
        version: updated.version,
        org: org.id,
        record: presentUser(updated),
      });
      return updated;
    });
    this.events.publish('user.updated', org.id, { id });
    return presentUser(row);
  }

  async listUsers(actor: Actor, q: UserListQuery = {}): Promise<User[]> {
    const rows = await repo.listUsers(this.db, (col, params) => visibleOrgsSql(actor, col, params), q.org, {
      limit: q.limit ?? 200,
      offset: q.offset ?? 0,
    });
    return rows.map((u) => presentUser(u));
  }

  async createUser(actor: Actor, input: CreateUser): Promise<User> {
    const org = await this.orgRef(input.org);
    if (!org)
      throw errors.unprocessable('The organization does not exist.', [
        { pointer: '/org', detail: 'no such organization' },
      ]);
    assertCan(actor, 'administer', org, 'The organization');
    // Creating an administrator needs no check of its own: only administrators pass `administer`.
    const passwordHash = await hashPassword(input.password);
    const id = randomUUID();
    const row = await this.db.transaction(async (tx) => {
      // Usernames are global (they sign in without naming an organization), so a name in use
      // anywhere is refused, with one answer whether the holder is visible to the caller or not:
      // it never says where or by whom (issue 8 #10; SECURITY.md).
      if (await repo.usernameTaken(tx, input.username)) throw usernameUnavailable();
      const created = await repo.insertUser(tx, {
        id,
        orgId: org.id,
        username: input.username,
        displayName: input.name,
        roles: input.roles as Role[],
        passwordHash,
      });
      await commitRecord(tx, { kind: 'user', id, version: 1, org: org.id, record: presentUser(created) });
      return created;
    });
    this.events.publish('user.created', org.id, { id });
    return presentUser(row);
  }
}

function usernameUnavailable() {
  return errors.usernameTaken('This username is not available; choose another.');
}
