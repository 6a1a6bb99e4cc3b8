// The access layer's surface: who the caller is (Actor), what roles and organization kinds
// exist, and the one visibility rule every domain asks (`can`, `assertCan`, and its SQL twin
// `visibleOrgsSql`), and `actorOf` for route handlers. It sits above platform and below the
// ledger and every domain.
export {
  type Actor,
  assertCan,
  assertCanPublishReference,
  assertRoleGrants,
  can,
  canPublishReference,
  canSee,
  DEFAULT_REFERENCE_PUBLISHERS,
  isRoot,
  ORG_KINDS,
  type Operation,
  type OrgKind,
  type OrgRef,
  parseReferenceGrants,
  type ReferenceGrant,
  referencePublishers,
  ROLES,
  type Relation,
  type Role,
  relationOf,
  seesScopeOf,
  visibleOrgsSql,
} from './policy.ts';
export { actorOf } from './http.ts';
export {
  canSeeMarked,
  isTlp1,
  type Marked,
  strictestTlp,
  TLP_LEVELS,
  TLP1_IDS,
  TLP2_IDS,
  type TlpLevel,
  tlpOfMarking,
  tlpRank,
  tlpVisibleSql,
} from './tlp.ts';
