// The shared access function. Every list, read, write and export in Bulwark asks here what an
// actor may see and do. An organization sees its own records and those of the organizations
// below it; a sector regulator also sees the operators of its sector inside its jurisdiction
// (its region and the regions below it). Nothing else crosses organizations unless a later rule
// (TLP markings, sharing agreements) grants it explicitly in its own domain.
import { type AccessSection, ConfigError } from '../platform/config.ts';
import { errors } from '../platform/errors.ts';
import { belowRegion, escapeLike } from '../platform/db/like.ts';

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
  /**
   * The local system administrator (the command line, demo seeding): whoever runs it reaches the
   * database anyway, so grants that configuration may narrow (publishing reference data) never
   * lock it out. Never set for a user or a token.
   */
  local?: true;
}

/** How the target organization stands to the actor's organization, from the actor's view. */
export type Relation = 'own' | 'descendant' | 'sector' | 'none';

/**
 * Operations a domain asks about:
 * - read: see records of the organization
 * - write: create or change the organization's domain records (incidents, assets, reports …)
 * - administer: change the organization itself, its child organizations, users and tokens; only
 *   where the actor's organization sees all the target sees (`seesScopeOf`): a city administers
 *   no sector regulator placed below it
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
  if (!actor.roles.some((role) => GRANTS[role].includes(op) && reaches(op, role, rel))) return false;
  // Administering an organization (its users, tokens, children) hands out its view: only to
  // those who already see all of it (issue 8 #4).
  return op !== 'administer' || seesScopeOf(actor.org, target);
}

/** The tree's root, the coordination centre: it sees every organization there is or will be. */
export function isRoot(org: Pick<OrgRef, 'id' | 'path'>): boolean {
  return org.path === `/${org.id}/`;
}

/**
 * Whether `viewer` sees everything `target` sees, now and as the tree grows, so that acting for
 * `target` (creating it, its users or its tokens) never widens the viewer's reach. An organization
 * sees its own subtree, which lies inside the viewer's when the target is the viewer or below it.
 * A sector regulator also sees its sector's operators in its jurisdiction wherever they sit in the
 * tree: only the root sees all of those, or a regulator of the same sector whose jurisdiction
 * holds the target's region.
 */
export function seesScopeOf(viewer: OrgRef, target: OrgRef): boolean {
  if (target.id === viewer.id) return true;
  if (!target.path.startsWith(viewer.path)) return false;
  if (target.kind !== 'sector-regulator') return true;
  if (isRoot(viewer)) return true;
  return (
    viewer.kind === 'sector-regulator' &&
    viewer.sector !== null &&
    viewer.sector === target.sector &&
    inJurisdiction(viewer.region, target.region)
  );
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
  if (op === 'administer' && !seesScopeOf(actor.org, target) && actor.roles.includes('admin'))
    throw errors.forbidden(
      'This organization sees beyond what yours sees (a sector regulator sees its sector across the tree): only an organization that already sees that scope, such as the coordination centre, administers it.',
    );
  throw errors.forbidden(`Your role (${actor.roles.join(', ')}) may not ${op} records of this organization.`);
}

/** Throws 403 unless one of the actor's roles grants the operation at all (before any target). */
export function assertRoleGrants(actor: Actor, op: Operation): void {
  if (!actor.roles.some((r) => GRANTS[r].includes(op))) {
    throw errors.forbidden(`Your role (${actor.roles.join(', ')}) may not ${op}.`);
  }
}

/**
 * Reference data — advisories, the KEV catalogue, later EPSS, CSAF and STIX feeds — is global: a
 * write changes what every organization's exposures say. So it is not covered by `write` on any
 * organization; it is the explicit operation `publish-reference`, granted to pairs of
 * organization kind and role (BULWARK_REFERENCE_PUBLISHERS, by default the coordination centre's
 * administrators and analysts). The local system administrator always holds it.
 */
export interface ReferenceGrant {
  kind: OrgKind;
  role: Role;
}

export const DEFAULT_REFERENCE_PUBLISHERS: readonly string[] = [
  'coordination-centre:admin',
  'coordination-centre:analyst',
];

/** Parses `kind:role` pairs; throws an Error naming the first bad one. */
export function parseReferenceGrants(list: readonly string[]): ReferenceGrant[] {
  return list.map((item) => {
    const [kind, role, more] = item.split(':');
    if (more !== undefined || !ORG_KINDS.includes(kind as OrgKind) || !ROLES.includes(role as Role))
      throw new Error(
        `'${item}' is not kind:role (kinds: ${ORG_KINDS.join(', ')}; roles: ${ROLES.join(', ')})`,
      );
    return { kind: kind as OrgKind, role: role as Role };
  });
}

/** The configured publishers (the config's access section), refusing a bad pair by its variable. */
export function referencePublishers(section: AccessSection): ReferenceGrant[] {
  try {
    return parseReferenceGrants(section.referencePublishers ?? DEFAULT_REFERENCE_PUBLISHERS);
  } catch (err) {
    throw new ConfigError(`BULWARK_REFERENCE_PUBLISHERS: ${(err as Error).message}`);
  }
}

export function canPublishReference(actor: Actor, grants: readonly ReferenceGrant[]): boolean {
  if (actor.local) return true;
  return grants.some((g) => g.kind === actor.org.kind && actor.roles.includes(g.role));
}

/** Throws 403 unless the actor may publish reference data (operation `publish-reference`). */
export function assertCanPublishReference(actor: Actor, grants: readonly ReferenceGrant[]): void {
  if (canPublishReference(actor, grants)) return;
  const who =
    grants.map((g) => `${g.role} of a ${g.kind}`).join(', ') || 'nobody but the local administrator';
  throw errors.forbidden(
    `Advisories and other reference data reach every organization: they are published only by ${who} (publish-reference).`,
  );
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
    params.push(actor.org.sector, actor.org.region, belowRegion(actor.org.region));
    const n = params.length;
    sql += ` OR (o.kind = 'operator' AND o.sector = $${n - 2} AND (o.region = $${n - 1} OR o.region LIKE $${n}))`;
  }
  return `${orgIdColumn} IN (SELECT o.id FROM organizations o WHERE ${sql})`;
}
