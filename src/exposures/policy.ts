// How an exposure is ranked and when it is due. Priority orders the work: known-exploited first,
// then CVSS score, then asset criticality (critical infrastructure counts one step up), then
// whether the asset faces the internet — packed into one integer so the queue sorts on it. The
// due date follows a configurable policy by severity; a KEV entry's own due date wins.
import { ratingOf } from '../advisories/import/index.ts';

export const STATUSES = [
  'open',
  'acknowledged',
  'mitigated',
  'accepted_risk',
  'false_positive',
  'not_affected',
  'resolved',
] as const;
export type ExposureStatus = (typeof STATUSES)[number];

export type SeverityRating = 'Critical' | 'High' | 'Medium' | 'Low' | 'None' | 'unknown';

export interface DueDatePolicy {
  /** Days from the moment an exposure opens until it is due, by severity rating. */
  days: Record<SeverityRating, number>;
  /** Assets designated critical infrastructure get this fraction of the time (e.g. 0.5). */
  criticalInfrastructureFactor: number;
}

export const DEFAULT_DUE_POLICY: DueDatePolicy = {
  days: { Critical: 7, High: 30, Medium: 90, Low: 180, None: 365, unknown: 90 },
  criticalInfrastructureFactor: 0.5,
};

/** Reads a policy override such as "Critical=7,High=30,Medium=90,Low=180,None=365,unknown=90,ci=0.5". */
export function parseDuePolicy(text: string | undefined): DueDatePolicy {
  if (!text) return DEFAULT_DUE_POLICY;
  const policy: DueDatePolicy = {
    days: { ...DEFAULT_DUE_POLICY.days },
    criticalInfrastructureFactor: DEFAULT_DUE_POLICY.criticalInfrastructureFactor,
  };
  for (const part of text.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    const n = Number(v);
    if (!k || !Number.isFinite(n) || n < 0) throw new Error(`due-date policy: '${part}' is not NAME=NUMBER`);
    if (k === 'ci') policy.criticalInfrastructureFactor = n;
    else if (k in policy.days) policy.days[k as SeverityRating] = Math.round(n);
    else throw new Error(`due-date policy: unknown rating '${k}'`);
  }
  return policy;
}

export interface PriorityInput {
  kev: boolean;
  /** CVSS score 0–10, or null when the advisory carries none. */
  score: number | null;
  criticality: 'low' | 'medium' | 'high' | 'critical';
  criticalInfrastructure: boolean;
  internetFacing: boolean;
}

const CRITICALITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/** A sortable integer: larger is more urgent. Lexicographic over (kev, score, criticality, internet). */
export function priorityOf(p: PriorityInput): number {
  const score = p.score === null ? 0 : Math.round(Math.min(10, Math.max(0, p.score)) * 10);
  const crit = CRITICALITY_RANK[p.criticality] + (p.criticalInfrastructure ? 1 : 0);
  return (p.kev ? 1 : 0) * 1_000_000 + score * 1000 + crit * 10 + (p.internetFacing ? 1 : 0);
}

/** The due date (YYYY-MM-DD, UTC) of an exposure opened at `openedAt`. */
export function dueDateOf(
  policy: DueDatePolicy,
  input: { rating: SeverityRating; kevDue: string | null; criticalInfrastructure: boolean },
  openedAt: Date,
): string {
  if (input.kevDue) return input.kevDue;
  let days = policy.days[input.rating] ?? policy.days.unknown;
  if (input.criticalInfrastructure) days = Math.ceil(days * policy.criticalInfrastructureFactor);
  const due = new Date(openedAt.getTime() + days * 86_400_000);
  return due.toISOString().slice(0, 10);
}

/** The stored rating, else the CVSS rating of the score (the thresholds live in the CVSS converter). */
export function ratingOfScore(score: number | null, rating: string | null): SeverityRating {
  if (rating && ['Critical', 'High', 'Medium', 'Low', 'None'].includes(rating))
    return rating as SeverityRating;
  return score === null ? 'unknown' : ratingOf(score);
}
