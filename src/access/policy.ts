// The shared access function. Every list, read, write and export in Bulwark asks here what an
// actor may see and do. An organization sees its own records and those of the organizations
// below it; a sector regulator also sees the operators of its sector inside its jurisdiction
// (its region and the regions below it). Nothing else crosses organizations unless a later rule
// (TLP markings, sharing agreements) grants it explicitly in its own domain.
import { errors } from '../platform/errors.ts';

export const ROLES = ['admin', 'analyst', 'responder', 'reporter', 'auditor', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ORG_KINDS = [
  'coordination-centre',
  'regional-authority',
  'sector-regulator',
  'operator',
] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** What the access function needs to know of an organization. */
export interface OrgRef {
  id: string;
  path: string;
  kind: OrgKind;
  sector: string | null;
  region: string;
}

/** The authenticated caller: a console user or an API token, always acting for one organization. */
export interface Actor {
  subject: 'user' | 'token';
  /** User id or token id. */
  id: string;
  /** The user behind the action (for a token, its creator if known). */
  userId: string | null;
  name: string;
  org: OrgRef;
  roles: readonly Role[];
}

/** How the target organization stands to the actor's organization, from the actor's view. */
export type Relation = 'own' | 'descendant' | 'sector' | 'none';

/**
 * Operations a domain asks about:
 * - read: see records of the organization
 * - write: create or change the organization's domain records (incidents, assets, reports …)
 * - administer: change the organization itself, its child organizations, users and tokens
 * - audit: read the audit trail of the organization (ledger receipts need only read: an owner
 *   proves its own records)
 */
export type Operation = 'read' | 'write' | 'administer' | 'audit';

const GRANTS: Record<Role, readonly Operation[]> = {
  admin: ['read', 'write', 'administer', 'audit'],
  analyst: ['read', 'write'],
  responder: ['read', 'write'],
  reporter: ['read', 'write'],
  auditor: ['read', 'audit'],
  viewer: ['read'],
};

function inJurisdiction(regulatorRegion: string, region: string): boolean {
  return region === regulatorRegion || region.startsWith(`${regulatorRegion}-`);
}

export function relationOf(actorOrg: OrgRef, target: OrgRef): Relation {
  if (target.id === actorOrg.id) return 'own';
  if (target.path.startsWith(actorOrg.path)) return 'descendant';
  if (
    actorOrg.kind === 'sector-regulator' &&
    target.kind === 'operator' &&
    target.sector === actorOrg.sector &&
    inJurisdiction(actorOrg.region, target.region)
  ) {
    return 'sector';
  }
  return 'none';
}

/** Which relations each operation reaches. Reporters only write for their own organization. */
function reaches(op: Operation, role: Role, rel: Relation): boolean {
  if (rel === 'none') return false;
  switch (op) {
    case 'read':
    case 'audit':
      return true;
    case 'write':
      return role === 'reporter' ? rel === 'own' : rel === 'own' || rel === 'descendant';
    case 'administer':
      return rel === 'own' || rel === 'descendant';
  }
}

export function can(actor: Actor, op: Operation, target: OrgRef): boolean {
  const rel = relationOf(actor.org, target);
  return actor.roles.some((role) => GRANTS[role].includes(op) && reaches(op, role, rel));
}

export function canSee(actor: Actor, target: OrgRef): boolean {
  return can(actor, 'read', target);
}

/**
 * Throws unless the actor may perform `op` on the target organization. A target the actor may not
 * even see answers 404, so that probing ids tells nothing; a visible one answers 403.
 */
export function assertCan(actor: Actor, op: Operation, target: OrgRef, what = 'The record'): void {
  if (can(actor, op, target)) return;
  if (!canSee(actor, target)) throw errors.notFound(what);
  throw errors.forbidden(`Your role (${actor.roles.join(', ')}) may not ${op} records of this organization.`);
}

/** Throws 403 unless one of the actor's roles grants the operation at all (before any target). */
export function assertRoleGrants(actor: Actor, op: Operation): void {
  if (!actor.roles.some((r) => GRANTS[r].includes(op))) {
    throw errors.forbidden(`Your role (${actor.roles.join(', ')}) may not ${op}.`);
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The same visibility rule as `canSee`, as an SQL predicate over an organization id column, for
 * repositories that list records. Parameters are appended to `params`; the predicate refers to
 * them by position. Tests check that this and `canSee` agree on every organization.
 */
export function visibleOrgsSql(actor: Actor, orgIdColumn: string, params: unknown[]): string {
  params.push(`${escapeLike(actor.org.path)}%`);
  let sql = `o.path LIKE $${params.length}`;
  if (actor.org.kind === 'sector-regulator' && actor.org.sector) {
    params.push(actor.org.sector, actor.org.region, `${escapeLike(actor.org.region)}-%`);
    const n = params.length;
    sql += ` OR (o.kind = 'operator' AND o.sector = $${n - 2} AND (o.region = $${n - 1} OR o.region LIKE $${n}))`;
  }
  return `${orgIdColumn} IN (SELECT o.id FROM organizations o WHERE ${sql})`;
}
