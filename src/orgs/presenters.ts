// Presenters choose every field of an organization or user that leaves the server.
import type { OrgRow, UserRow } from './repo.ts';
import type { Organization, User } from './schema.ts';

export function presentOrg(o: OrgRow): Organization {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    parent: o.parentId,
    region: o.region,
    sector: o.sector,
    critical: o.critical,
    demo: o.demo,
    depth: o.path.split('/').length - 3,
    createdAt: new Date(o.createdAt).toISOString(),
  };
}

export function presentUser(u: UserRow): User {
  return {
    id: u.id,
    username: u.username,
    name: u.displayName,
    org: u.orgId,
    roles: u.roles,
    locked: u.locked,
    disabled: u.disabled,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}
