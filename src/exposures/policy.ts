// How an exposure is ranked and when it is due. Priority orders the work: exploited first (KEV, or
// threat intelligence that reaches the exposure's organization), then the likelihood of exploitation (EPSS), then
// CVSS score, then asset criticality (critical infrastructure counts one step up), then whether the
// asset faces the internet — packed into one integer so the queue sorts on it. The due date follows
// a configurable policy (criticality × severity × KEV) and says which rule set it.
import { ratingOf } from '../advisories/import/index.ts';
import { ConfigError } from '../platform/config.ts';

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
export type Criticality = 'low' | 'medium' | 'high' | 'critical';

export interface DueDatePolicy {
  /** Days from the moment an exposure opens until it is due, by severity rating. */
  days: Record<SeverityRating, number>;
  /** Factor on those days by the asset's criticality (e.g. critical 0.5: half the time). */
  criticality: Record<Criticality, number>;
  /** Assets designated critical infrastructure get this fraction of the time (e.g. 0.5). */
  criticalInfrastructureFactor: number;
  /**
   * Known-exploited (KEV) exposures: `catalogue` takes the KEV entry's own due date; a number of
   * days replaces the rule by severity (criticality and critical infrastructure still apply).
   */
  kev: 'catalogue' | number;
}

export const DEFAULT_DUE_POLICY: DueDatePolicy = {
  days: { Critical: 7, High: 30, Medium: 90, Low: 180, None: 365, unknown: 90 },
  criticality: { low: 1.5, medium: 1, high: 1, critical: 0.5 },
  criticalInfrastructureFactor: 0.5,
  kev: 'catalogue',
};

const CRITICALITIES: readonly Criticality[] = ['low', 'medium', 'high', 'critical'];

/**
 * Reads a policy override (BULWARK_DUE_POLICY) such as
 * "Critical=7,High=30,Medium=90,Low=180,None=365,unknown=90,ci=0.5,critical=0.5,low=1.5,kev=catalogue":
 * a severity rating names days, a criticality (low … critical) and `ci` name factors, `kev` is
 * `catalogue` or days. Unnamed entries keep their default.
 */
export function parseDuePolicy(text: string | undefined): DueDatePolicy {
  if (!text) return DEFAULT_DUE_POLICY;
  const policy: DueDatePolicy = {
    days: { ...DEFAULT_DUE_POLICY.days },
    criticality: { ...DEFAULT_DUE_POLICY.criticality },
    criticalInfrastructureFactor: DEFAULT_DUE_POLICY.criticalInfrastructureFactor,
    kev: DEFAULT_DUE_POLICY.kev,
  };
  for (const part of text.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === 'kev' && v === 'catalogue') {
      policy.kev = 'catalogue';
      continue;
    }
    const n = v === undefined || v === '' ? Number.NaN : Number(v);
    if (!k || !Number.isFinite(n) || n < 0) throw new Error(`due-date policy: '${part}' is not NAME=NUMBER`);
    if (k === 'ci') policy.criticalInfrastructureFactor = n;
    else if (k === 'kev') policy.kev = Math.round(n);
    else if ((CRITICALITIES as readonly string[]).includes(k)) policy.criticality[k as Criticality] = n;
    else if (k in policy.days) policy.days[k as SeverityRating] = Math.round(n);
    else throw new Error(`due-date policy: unknown rating or criticality '${k}'`);
  }
  return policy;
}

/** The configured policy (BULWARK_DUE_POLICY); a bad one stops the start naming the variable. */
export function duePolicyOf(section: { duePolicy: string | undefined }): DueDatePolicy {
  try {
    return parseDuePolicy(section.duePolicy);
  } catch (err) {
    throw new ConfigError(`BULWARK_DUE_POLICY: ${(err as Error).message}`);
  }
}

/**
 * How likely exploitation is: FIRST EPSS gives a probability and its percentile among all scored
 * CVEs. Observed exploitation (KEV, intelligence) is not a likelihood: it is the tier above.
 */
export interface ExploitationInput {
  epssPercentile: number | null;
}

/** 0–999: the likelihood part of the priority (the EPSS percentile). */
export function exploitationOf(x: ExploitationInput | undefined): number {
  if (!x || x.epssPercentile === null) return 0;
  return Math.round(Math.min(1, Math.max(0, x.epssPercentile)) * 999);
}

export interface PriorityInput {
  /** Known exploited: in the CISA KEV catalogue. */
  kev: boolean;
  /**
   * Shown exploited by threat intelligence that reaches the exposure's organization (src/intel
   * marks, exposure_intel_exploited): ranked in KEV's tier.
   */
  intel?: boolean;
  /** EPSS; absent or null percentile: nothing known. */
  exploitation?: ExploitationInput;
  /** CVSS score 0–10, or null when the advisory carries none. */
  score: number | null;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  internetFacing: boolean;
}

const CRITICALITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/**
 * A sortable integer: larger is more urgent. Lexicographic over (exploited: KEV or intelligence,
 * one tier; the EPSS percentile ×999; CVSS score ×10; criticality; internet-facing), each in its
 * own decimal places; the largest (about 1.1 × 10⁹) fits the column's 32-bit integer.
 */
export function priorityOf(p: PriorityInput): number {
  const score = p.score === null ? 0 : Math.round(Math.min(10, Math.max(0, p.score)) * 10);
  const crit = CRITICALITY_RANK[p.criticality] + (p.criticalInfrastructure ? 1 : 0);
  return (
    (p.kev || p.intel ? 1 : 0) * 1_000_000_000 +
    exploitationOf(p.exploitation) * 100_000 +
    score * 1000 +
    crit * 10 +
    (p.internetFacing ? 1 : 0)
  );
}

export interface DueInput {
  rating: SeverityRating;
  kevDue: string | null;
  criticality: Criticality;
  criticalInfrastructure: boolean;
}

/** A due date (YYYY-MM-DD, UTC) and the rule of the policy that set it, in words. */
export interface DueDate {
  due: string;
  rule: string;
}

function factorText(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** The due date of an exposure opened at `openedAt`, with the rule that set it. */
export function dueOf(policy: DueDatePolicy, input: DueInput, openedAt: Date): DueDate {
  const kev = input.kevDue !== null;
  if (kev && policy.kev === 'catalogue')
    return { due: input.kevDue!, rule: 'KEV: the catalogue entry’s due date' };
  const base = kev ? (policy.kev as number) : (policy.days[input.rating] ?? policy.days.unknown);
  const parts = [kev ? `KEV ${base} d` : `${input.rating} ${base} d`];
  let days = base;
  const crit = policy.criticality[input.criticality] ?? 1;
  if (crit !== 1) {
    days *= crit;
    parts.push(`${input.criticality} criticality ×${factorText(crit)}`);
  }
  if (input.criticalInfrastructure && policy.criticalInfrastructureFactor !== 1) {
    days *= policy.criticalInfrastructureFactor;
    parts.push(`critical infrastructure ×${factorText(policy.criticalInfrastructureFactor)}`);
  }
  days = Math.ceil(days);
  const due = new Date(openedAt.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  return { due, rule: parts.length > 1 ? `${parts.join(' ')} = ${days} d` : parts[0]! };
}

/** The due date (YYYY-MM-DD, UTC) of an exposure opened at `openedAt`. */
export function dueDateOf(policy: DueDatePolicy, input: DueInput, openedAt: Date): string {
  return dueOf(policy, input, openedAt).due;
}

/** The stored rating, else the CVSS rating of the score (the thresholds live in the CVSS converter). */
export function ratingOfScore(score: number | null, rating: string | null): SeverityRating {
  if (rating && ['Critical', 'High', 'Medium', 'Low', 'None'].includes(rating))
    return rating as SeverityRating;
  return score === null ? 'unknown' : ratingOf(score);
}
