// The deadline engine: statutory reporting obligations of an incident from a regime, as pure
// functions (no database, no clock). A regime is data (regimes.ts): stages, each with an anchor
// (an event of the incident, or an earlier stage's report), a delay, the recipient's role in the
// tree and who files it. The server, the CLI (`bulwark deadlines`) and the tests all call
// `computeObligations`; the service recomputes whenever the grade or an anchor changes.
//
// Rules (issue 10):
// - Deadlines are UTC instants. Delays in minutes and hours are elapsed time; delays in days,
//   working days and months are counted on the organization's calendar (its time zone), keeping
//   the wall-clock time (zone.ts resolves daylight-saving gaps and overlaps).
// - A stage anchored on an earlier report counts from that report's submission, or from that
//   report's deadline while it is not submitted.
// - A stage whose anchor has not happened (no ransom paid, not yet recovered) has no deadline yet.
// - A stage anchored on `requested` (NIS2 art. 23(4)(c): an intermediate report on request) has no
//   deadline until an authority requests it; then it is due the stage's delay after the request.
import { type Checklist, checklistIssues } from './grading.ts';
import { addDays, addMonths, addWorkingDays } from './zone.ts';

export const GRADES = ['general', 'relatively-major', 'major', 'particularly-major'] as const;
export type Grade = (typeof GRADES)[number];

/**
 * Events of an incident a stage may count from. `requested` is per stage: an authority's request
 * for that stage's report (POST /api/v1/incidents/{id}/requests), not an event of the incident.
 */
export const ANCHOR_EVENTS = ['aware', 'ransom-paid', 'recovered', 'closed', 'requested'] as const;
export type AnchorEvent = (typeof ANCHOR_EVENTS)[number];

/** Where a report goes, as a role in the tree (resolved to an organization by the service). */
export const RECIPIENTS = [
  'regional-authority',
  'provincial-authority',
  'sector-regulator',
  'centre',
] as const;
export type Recipient = (typeof RECIPIENTS)[number];

/** Who files the stage: the reporting organization, or the authority that received the anchor report. */
export type Filer = 'operator' | 'authority';

export interface Delay {
  minutes?: number;
  hours?: number;
  days?: number;
  workingDays?: number;
  months?: number;
}

export interface Stage {
  key: string;
  title: string;
  anchor: { event: AnchorEvent } | { stage: string };
  delay: Delay;
  recipient: Recipient;
  filer: Filer;
  /** Entity types owing the stage; absent: all of the regime's. */
  entities?: readonly string[];
  /** Grades owing the stage; absent: all. */
  grades?: readonly Grade[];
  /** The fields the report must carry (checked when it is filed). */
  content: readonly string[];
  note?: string;
}

export interface Regime {
  id: string;
  version: number;
  title: string;
  /** Entity types the regime knows; the first is the default for an organization without one. */
  entities: readonly string[];
  /** The legal texts the stages come from (docs/incidents.md cites them). */
  sources: readonly { title: string; url: string }[];
  stages: readonly Stage[];
  /** The grading checklist (impact figures and their thresholds); absent: none, the grade is judged. */
  grading?: Checklist | null;
}

export interface ObligationInput {
  regime: Regime;
  entity: string;
  grade: Grade;
  timeZone: string;
  /** When each anchor event happened; `aware` always (`requested` is per stage: see `requests`). */
  events: { aware: Date } & Partial<Record<Exclude<AnchorEvent, 'requested'>, Date | null>>;
  /** Reports filed so far: stage → submission instant. */
  submissions?: Readonly<Record<string, Date>>;
  /** Reports requested by an authority so far (stages anchored on `requested`): stage → request instant. */
  requests?: Readonly<Record<string, Date>>;
}

export interface Obligation {
  stage: string;
  title: string;
  /** Null while the anchor has not happened. */
  due: Date | null;
  recipient: Recipient;
  filer: Filer;
  satisfiedAt: Date | null;
  /** What the deadline counts from, in words: "awareness", "report initial (filed)" … */
  anchor: string;
  /** For a stage anchored on `requested`: when an authority requested it (null: not yet). */
  requestedAt?: Date | null;
}

export class RegimeError extends Error {
  override name = 'RegimeError';
  constructor(
    message: string,
    readonly issues: readonly RegimeIssue[] = [],
  ) {
    super(message);
  }
}

/** Applies a delay: calendar parts on the zone's calendar first, then elapsed minutes and hours. */
export function applyDelay(from: Date, delay: Delay, timeZone: string): Date {
  let t = from;
  if (delay.months) t = addMonths(t, delay.months, timeZone);
  if (delay.days) t = addDays(t, delay.days, timeZone);
  if (delay.workingDays) t = addWorkingDays(t, delay.workingDays, timeZone);
  const ms = ((delay.hours ?? 0) * 60 + (delay.minutes ?? 0)) * 60_000;
  return ms ? new Date(t.getTime() + ms) : t;
}

export function describeDelay(d: Delay): string {
  const parts: string[] = [];
  const put = (n: number | undefined, one: string) => {
    if (n) parts.push(`${n} ${one}${n === 1 ? '' : 's'}`);
  };
  put(d.months, 'month');
  put(d.days, 'day');
  put(d.workingDays, 'working day');
  put(d.hours, 'hour');
  put(d.minutes, 'minute');
  return parts.join(' ') || 'at once';
}

function owes(stage: Stage, entity: string, grade: Grade): boolean {
  return (
    (!stage.entities || stage.entities.includes(entity)) && (!stage.grades || stage.grades.includes(grade))
  );
}

/** A problem in a regime's definition, with a JSON pointer into it (the API answers 422 with these). */
export interface RegimeIssue {
  pointer: string;
  detail: string;
}

const DELAY_PARTS = ['minutes', 'hours', 'days', 'workingDays', 'months'] as const;

/**
 * What is wrong with a regime's meaning: stage keys unique, anchors on known events or earlier
 * stages only, delays whole and not negative (and not nothing), entity types among the regime's,
 * grades known, the grading checklist's figures known and its thresholds rising with the grade.
 * Empty when the regime is sound. The shape (types, required fields) is the schema's business.
 */
export function regimeIssues(r: Regime): RegimeIssue[] {
  const out: RegimeIssue[] = [];
  const seen = new Set<string>();
  if (r.entities.length === 0) out.push({ pointer: '/entities', detail: 'needs at least one entity type' });
  if (new Set(r.entities).size !== r.entities.length)
    out.push({ pointer: '/entities', detail: 'names an entity type twice' });
  if (r.stages.length === 0) out.push({ pointer: '/stages', detail: 'needs at least one stage' });
  r.stages.forEach((s, i) => {
    const at = `/stages/${i}`;
    if (seen.has(s.key)) out.push({ pointer: `${at}/key`, detail: `stage ${s.key} appears twice` });
    if ('stage' in s.anchor && !seen.has(s.anchor.stage))
      out.push({
        pointer: `${at}/anchor/stage`,
        detail: `${s.anchor.stage} is not an earlier stage of the regime`,
      });
    if ('event' in s.anchor && !ANCHOR_EVENTS.includes(s.anchor.event))
      out.push({ pointer: `${at}/anchor/event`, detail: `must be one of ${ANCHOR_EVENTS.join(', ')}` });
    let total = 0;
    for (const [k, v] of Object.entries(s.delay)) {
      if (!(DELAY_PARTS as readonly string[]).includes(k))
        out.push({ pointer: `${at}/delay/${k}`, detail: `is not a delay part (${DELAY_PARTS.join(', ')})` });
      else if (!Number.isInteger(v) || (v as number) < 0)
        out.push({ pointer: `${at}/delay/${k}`, detail: 'must be a whole number, not negative' });
      else total += v as number;
    }
    if (total === 0) out.push({ pointer: `${at}/delay`, detail: 'must be more than nothing' });
    (s.entities ?? []).forEach((e, j) => {
      if (!r.entities.includes(e))
        out.push({ pointer: `${at}/entities/${j}`, detail: `${e} is not one of the regime's entity types` });
    });
    (s.grades ?? []).forEach((g, j) => {
      if (!GRADES.includes(g)) out.push({ pointer: `${at}/grades/${j}`, detail: `${g} is not a grade` });
    });
    if (!RECIPIENTS.includes(s.recipient))
      out.push({ pointer: `${at}/recipient`, detail: `must be one of ${RECIPIENTS.join(', ')}` });
    if (new Set(s.content).size !== s.content.length)
      out.push({ pointer: `${at}/content`, detail: 'names a field twice' });
    seen.add(s.key);
  });
  if (r.grading) out.push(...checklistIssues(r.grading, '/grading'));
  return out;
}

/** Throws a RegimeError carrying every issue unless the regime is sound. */
export function validateRegime(r: Regime): void {
  const issues = regimeIssues(r);
  if (issues.length)
    throw new RegimeError(`${r.id}: ${issues.map((i) => `${i.pointer} ${i.detail}`).join('; ')}`, issues);
}

/**
 * The obligations an incident owes under a regime: one per stage that applies to its entity type
 * and grade (and whose anchor stage applies), in the regime's order.
 */
export function computeObligations(input: ObligationInput): Obligation[] {
  const { regime, entity, grade, timeZone, events } = input;
  const submissions = input.submissions ?? {};
  const out = new Map<string, Obligation>();
  for (const stage of regime.stages) {
    if (!owes(stage, entity, grade)) continue;
    let from: Date | null;
    let anchor: string;
    if ('stage' in stage.anchor) {
      const earlier = out.get(stage.anchor.stage);
      if (!earlier) continue; // the earlier report is not owed, so neither is this one
      const filed = submissions[earlier.stage];
      from = filed ?? earlier.due;
      anchor = filed ? `the ${earlier.stage} report (filed)` : `the ${earlier.stage} report's deadline`;
    } else if (stage.anchor.event === 'requested') {
      from = input.requests?.[stage.key] ?? null;
      anchor = from ? 'the request' : 'a request (none yet)';
    } else {
      from = events[stage.anchor.event] ?? null;
      anchor = stage.anchor.event === 'aware' ? 'awareness' : stage.anchor.event;
    }
    const onRequest = 'event' in stage.anchor && stage.anchor.event === 'requested';
    out.set(stage.key, {
      stage: stage.key,
      title: stage.title,
      due: from ? applyDelay(from, stage.delay, timeZone) : null,
      recipient: stage.recipient,
      filer: stage.filer,
      satisfiedAt: submissions[stage.key] ?? null,
      anchor: `${describeDelay(stage.delay)} after ${anchor}`,
      ...(onRequest ? { requestedAt: from } : {}),
    });
  }
  return [...out.values()];
}

/**
 * The obligations after a recomputation (a regrade, a new anchor): what the regime now asks, plus
 * every stage already reported under an earlier grade (a filed report stays filed).
 */
export function mergeObligations(now: readonly Obligation[], before: readonly Obligation[]): Obligation[] {
  const keys = new Set(now.map((o) => o.stage));
  return [...now, ...before.filter((o) => o.satisfiedAt && !keys.has(o.stage))];
}

/** The earliest deadline not yet met: the incident's place in the queue (null: nothing due). */
export function nextDue(obligations: readonly Pick<Obligation, 'due' | 'satisfiedAt'>[]): Date | null {
  let best: Date | null = null;
  for (const o of obligations)
    if (!o.satisfiedAt && o.due && (!best || o.due.getTime() < best.getTime())) best = o.due;
  return best;
}

export function isOverdue(o: Pick<Obligation, 'due' | 'satisfiedAt'>, now: Date): boolean {
  return !o.satisfiedAt && !!o.due && o.due.getTime() < now.getTime();
}
