// Who may do what to an incident. Visibility is the shared access rule (src/access): an
// operator's incident is seen by the operator, the organizations above it (its regional
// authorities, the centre) and its sector's regulator; anyone else gets 404. On top of that this
// domain grants the coordinating side — the organizations above the reporting one and its sector
// regulator — the workflow moves that are theirs (triage, closing, reopening), which the general
// `write` grant does not give a sector regulator. The reporting side (the operator itself) files
// and works its own incident. Roles: admin, analyst, responder and reporter act; viewer and
// auditor only read; a reporter acts only for its own organization, as everywhere.
import { type Actor, canSee, type OrgRef, relationOf } from '../access/index.ts';
import { errors } from '../platform/errors.ts';

export const STATUSES = ['draft', 'reported', 'triaged', 'responding', 'recovered', 'closed'] as const;
export type IncidentStatus = (typeof STATUSES)[number];

export const TASK_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** The two sides of an incident: the organization that reported it, and those coordinating it. */
export type Side = 'reporting' | 'coordinating';

/** A workflow move: from, to, and which sides may make it. */
export interface Transition {
  from: IncidentStatus;
  to: IncidentStatus;
  name: string;
  by: readonly Side[];
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'draft', to: 'reported', name: 'report', by: ['reporting'] },
  { from: 'reported', to: 'triaged', name: 'triage', by: ['coordinating'] },
  { from: 'reported', to: 'responding', name: 'respond', by: ['reporting', 'coordinating'] },
  { from: 'triaged', to: 'responding', name: 'respond', by: ['reporting', 'coordinating'] },
  { from: 'responding', to: 'recovered', name: 'recover', by: ['reporting', 'coordinating'] },
  { from: 'recovered', to: 'responding', name: 'relapse', by: ['reporting', 'coordinating'] },
  { from: 'recovered', to: 'closed', name: 'close', by: ['coordinating'] },
  { from: 'closed', to: 'responding', name: 'reopen', by: ['coordinating'] },
];

const ACTING_ROLES = ['admin', 'analyst', 'responder', 'reporter'] as const;

/** The actor's side for an incident of `org`, or null when it may only look (or not even that). */
export function sideOf(actor: Actor, org: OrgRef): Side | null {
  const rel = relationOf(actor.org, org);
  if (rel === 'none') return null;
  const acting = actor.roles.filter((r) => (ACTING_ROLES as readonly string[]).includes(r));
  if (acting.length === 0) return null;
  if (rel === 'own') return 'reporting';
  // A reporter files for its own organization only.
  return acting.some((r) => r !== 'reporter') ? 'coordinating' : null;
}

/** Throws 404 when the incident is not visible to the actor, nothing otherwise. */
export function assertSees(actor: Actor, org: OrgRef): void {
  if (!canSee(actor, org)) throw errors.notFound('The incident');
}

/** Throws 404 (not visible) or 403 unless the actor acts on the incident from one of `sides`. */
export function assertActs(actor: Actor, org: OrgRef, sides: readonly Side[], what: string): Side {
  assertSees(actor, org);
  const side = sideOf(actor, org);
  if (!side || !sides.includes(side))
    throw errors.forbidden(
      side
        ? `Only the ${sides.join(' or ')} side may ${what}; your organization is on the ${side} side.`
        : `Your role (${actor.roles.join(', ')}) may not ${what} for this organization.`,
    );
  return side;
}

/** The move from `from` to `to`, or a 422 naming the moves there are. */
export function transitionOf(from: IncidentStatus, to: IncidentStatus): Transition {
  const t = TRANSITIONS.find((x) => x.from === from && x.to === to);
  if (!t) {
    const next = TRANSITIONS.filter((x) => x.from === from).map((x) => x.to);
    throw errors.unprocessable(
      `An incident cannot move from ${from} to ${to}; from ${from} it may move to ${next.join(', ') || 'nothing'}.`,
      [{ pointer: '/status', detail: `must be one of ${next.join(', ') || '(none)'}` }],
    );
  }
  return t;
}

/** Grades that raise an alert at the centre. */
export const ESCALATING_GRADES = ['major', 'particularly-major'] as const;
