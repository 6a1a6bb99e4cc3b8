// The TLP clause of the shared access rule: who may see a record marked with the Traffic Light
// Protocol (FIRST TLP 2.0, as the OASIS marking-definition ids). It sits beside organization
// visibility (policy.ts) and never replaces it:
// - CLEAR: anyone, also an unauthenticated feed reader;
// - GREEN: every member organization (any authenticated actor);
// - AMBER: the author's organization and its subordinates, the organizations it shares with and
//   their subordinates, and whoever sees the author's organization by the organization rule (its
//   superiors and its sector's regulator);
// - AMBER+STRICT: the author's organization and the named organizations only (no subordinates,
//   no superiors);
// - RED: the named users only (and the user who submitted the record).
// Of several markings the strictest wins; a record a relationship points at is checked on its own
// (see the intel domain).
import { type Actor, canSee, type OrgRef } from './policy.ts';

export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export type TlpLevel = (typeof TLP_LEVELS)[number];

/** The STIX 2.1 marking-definition ids of TLP 2.0 (FIRST, as published by OASIS). */
export const TLP2_IDS: Record<TlpLevel, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

/** The STIX 2.1 ids of TLP 1.0, accepted on import and mapped to 2.0 (WHITE is CLEAR). */
export const TLP1_IDS: Record<string, TlpLevel> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'clear',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'green',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'amber',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'red',
};

const BY_ID = new Map<string, TlpLevel>([
  ...Object.entries(TLP2_IDS).map(([level, id]) => [id, level as TlpLevel] as const),
  ...Object.entries(TLP1_IDS),
]);

/** The TLP level a marking-definition id stands for (1.0 or 2.0), or undefined for other markings. */
export function tlpOfMarking(id: string): TlpLevel | undefined {
  return BY_ID.get(id);
}

/** Whether the id is one of the TLP 1.0 marking definitions (rewritten to 2.0 on export). */
export function isTlp1(id: string): boolean {
  return id in TLP1_IDS;
}

export function tlpRank(level: TlpLevel): number {
  return TLP_LEVELS.indexOf(level);
}

/** The strictest of several levels; `fallback` when there is none. */
export function strictestTlp(levels: Iterable<TlpLevel>, fallback: TlpLevel): TlpLevel {
  let best = -1;
  for (const l of levels) best = Math.max(best, tlpRank(l));
  return best < 0 ? fallback : TLP_LEVELS[best]!;
}

/** What the TLP clause needs to know of a marked record. */
export interface Marked {
  tlp: TlpLevel;
  /** The organization that submitted the record. */
  org: OrgRef;
  /** The user who submitted it, when known. */
  authorUser: string | null;
  /** Organizations the record is shared with (sharing-group markings). */
  shareOrgs: readonly OrgRef[];
  /** Users the record is shared with (RED). */
  namedUsers: readonly string[];
}

const within = (org: OrgRef, top: OrgRef) => org.id === top.id || org.path.startsWith(top.path);

/** The TLP clause: may `actor` (null: an unauthenticated reader) see the marked record? */
export function canSeeMarked(actor: Actor | null, m: Marked): boolean {
  if (m.tlp === 'clear') return true;
  if (!actor) return false;
  switch (m.tlp) {
    case 'green':
      return true;
    case 'amber':
      return (
        within(actor.org, m.org) || m.shareOrgs.some((o) => within(actor.org, o)) || canSee(actor, m.org)
      );
    case 'amber+strict':
      return actor.org.id === m.org.id || m.shareOrgs.some((o) => o.id === actor.org.id);
    case 'red':
      return actor.userId !== null && (actor.userId === m.authorUser || m.namedUsers.includes(actor.userId));
  }
}

/**
 * The same clause as `canSeeMarked`, as an SQL predicate over a row's columns: `tlp` (smallint,
 * the rank in TLP_LEVELS), the author organization id, the author user id, the shared organization
 * ids (uuid[]) and the named user ids (uuid[]). `orgVisible` is the organization rule's predicate
 * over the author column (`visibleOrgsSql`). Parameters are appended to `params`.
 */
export function tlpVisibleSql(
  actor: Actor | null,
  cols: { tlp: string; org: string; authorUser: string; shareOrgs: string; namedUsers: string },
  params: unknown[],
  orgVisible: (column: string, params: unknown[]) => string,
): string {
  if (!actor) return `${cols.tlp} = 0`;
  params.push(actor.org.id);
  const orgId = `$${params.length}::uuid`;
  params.push(actor.org.path);
  const path = `$${params.length}`;
  // The actor's organization lies within (or is) organization `o`.
  const under = `EXISTS (SELECT 1 FROM organizations tlp_org WHERE (tlp_org.id = ${cols.org} OR tlp_org.id = ANY(${cols.shareOrgs})) AND ${path} LIKE replace(replace(replace(tlp_org.path, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
  const amber = `(${cols.tlp} = 2 AND (${under} OR ${orgVisible(cols.org, params)}))`;
  const strict = `(${cols.tlp} = 3 AND (${cols.org} = ${orgId} OR ${orgId} = ANY(${cols.shareOrgs})))`;
  let red = 'false';
  if (actor.userId) {
    params.push(actor.userId);
    const user = `$${params.length}::uuid`;
    red = `(${cols.tlp} = 4 AND (${cols.authorUser} = ${user} OR ${user} = ANY(${cols.namedUsers})))`;
  }
  return `(${cols.tlp} <= 1 OR ${amber} OR ${strict} OR ${red})`;
}
