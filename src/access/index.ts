// The access layer's surface: who the caller is (Actor), what roles and organization kinds
// exist, and the one visibility rule every domain asks (`can`, `assertCan`, and its SQL twin
// `visibleOrgsSql`), and `actorOf` for route handlers. It sits above platform and below the
// ledger and every domain.
export {
  type Actor,
  assertCan,
  assertRoleGrants,
  can,
  canSee,
  ORG_KINDS,
  type Operation,
  type OrgKind,
  type OrgRef,
  ROLES,
  type Relation,
  type Role,
  relationOf,
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
