// Reconciliation, pure: what the index says an asset runs that an advisory affects (desired)
// against the exposures stored for the same scope → the exposures to open and the changes to
// make (reopen, resolve, re-rank). No database and no clock of its own: the engine reads the
// stored rows, passes the time and stores what comes back, so this is tested without a database.
import { randomUUID } from 'node:crypto';
import type { AdvisoryFacts } from '../advisories/index.ts';
import type { AssetFacts } from '../assets/index.ts';
import { nextTurn } from '../platform/threads.ts';
import type { Match } from './match-index.ts';
import { type DueDatePolicy, dueDateOf, type ExposureStatus, priorityOf, ratingOfScore } from './policy.ts';
import type { ExposureChange, ExposureRow, NewExposure } from './repo.ts';

export interface ReconcileCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  /** Exposures in the scope that are not resolved afterwards. */
  active: number;
}

export interface ChangedExposure {
  row: ExposureRow;
  change: ExposureChange;
  kind: 'reopened' | 'resolved' | 'updated';
}

export interface ExposureChanges {
  created: NewExposure[];
  changed: ChangedExposure[];
  counts: ReconcileCounts;
}

export interface ReconcileInput {
  /** The stored exposures of the scope (an asset, some advisories, or all). */
  existing: readonly ExposureRow[];
  /** Every match the index finds in the same scope. */
  desired: readonly Match[];
  assetOf(id: string): AssetFacts | undefined;
  advisoryOf(id: string): AdvisoryFacts | undefined;
  policy: DueDatePolicy;
  now: Date;
  newId?: () => string;
  /**
   * Whether threat intelligence shows one of these ids (an advisory's id and aliases) exploited in
   * a way that reaches this organization (intel-exploited.ts); absent: no intelligence known.
   */
  intelReaches?: (ids: readonly string[], org: string) => boolean;
}

function keyOf(asset: string, advisory: string, ecosystem: string, normalizedName: string, version: string) {
  return `${asset}\u0000${advisory}\u0000${ecosystem}\u0000${normalizedName}\u0000${version}`;
}

/**
 * Priority, due date, KEV flag and severity of an exposure of `asset` to `advisory` opened at
 * `openedAt`; `intel`: threat intelligence that reaches the asset's organization shows the
 * advisory (or an alias) exploited, which ranks it in KEV's tier (the due date stays the policy's).
 */
export function assess(
  policy: DueDatePolicy,
  asset: AssetFacts,
  advisory: AdvisoryFacts | undefined,
  openedAt: Date,
  intel = false,
): { priority: number; due: string; kev: boolean; score: number | null; rating: string } {
  const score = advisory?.score ?? null;
  const rating = ratingOfScore(score, advisory?.rating ?? null);
  const kev = Boolean(advisory?.kevDue);
  return {
    priority: priorityOf({
      kev,
      intel,
      exploitation: { epssPercentile: advisory?.epss?.percentile ?? null },
      score,
      criticality: asset.criticality,
      criticalInfrastructure: asset.criticalInfrastructure,
      internetFacing: asset.internetFacing,
    }),
    due: dueDateOf(
      policy,
      {
        rating,
        kevDue: advisory?.kevDue ?? null,
        criticality: asset.criticality,
        criticalInfrastructure: asset.criticalInfrastructure,
      },
      openedAt,
    ),
    kev,
    score,
    rating,
  };
}

/**
 * Matches not yet stored are opened; stored exposures no longer matched are resolved; a resolved
 * exposure matched again reopens (new due date, `reopened` + 1); priority, KEV flag, severity and
 * due date follow the facts. Exposures of assets the facts do not know are left alone.
 */
export function reconcile(input: ReconcileInput): ExposureChanges {
  const { now, policy } = input;
  const newId = input.newId ?? randomUUID;
  const intelOf = (advisoryId: string, facts: AdvisoryFacts | undefined, org: string) =>
    input.intelReaches ? input.intelReaches([advisoryId, ...(facts?.aliases ?? [])], org) : false;
  const wanted = new Map<string, Match>();
  for (const m of input.desired) {
    const c = m.component;
    wanted.set(keyOf(m.asset, m.advisory, c.ecosystem, c.normalizedName, c.version), m);
  }
  const changed: ChangedExposure[] = [];
  let active = 0;
  for (const e of input.existing) {
    const k = keyOf(e.assetId, e.advisoryId, e.ecosystem, e.normalizedName, e.version);
    const still = wanted.has(k);
    wanted.delete(k);
    const asset = input.assetOf(e.assetId);
    if (!asset) continue;
    const currentScore = e.severityScore === null ? null : Number(e.severityScore);
    if (still) {
      active++;
      const reopen = e.status === 'resolved';
      const facts = input.advisoryOf(e.advisoryId);
      const a = assess(
        policy,
        asset,
        facts,
        reopen ? now : new Date(e.openedAt),
        intelOf(e.advisoryId, facts, e.orgId),
      );
      const drift =
        a.priority !== e.priority || a.kev !== e.kev || a.due !== e.due || a.score !== currentScore;
      if (!reopen && !drift) continue;
      changed.push({
        row: e,
        kind: reopen ? 'reopened' : 'updated',
        change: {
          id: e.id,
          status: reopen ? 'open' : e.status,
          versionNo: e.versionNo + 1,
          priority: a.priority,
          due: a.due,
          kev: a.kev,
          severityScore: a.score,
          severityRating: a.rating,
          reopened: e.reopened + (reopen ? 1 : 0),
          resolvedAt: null,
          ...(reopen ? { openedAt: now } : {}),
          note: e.note,
        },
      });
    } else if (e.status !== 'resolved') {
      changed.push({
        row: e,
        kind: 'resolved',
        change: {
          id: e.id,
          status: 'resolved',
          versionNo: e.versionNo + 1,
          priority: e.priority,
          due: e.due,
          kev: e.kev,
          severityScore: currentScore,
          severityRating: e.severityRating,
          reopened: e.reopened,
          resolvedAt: now,
          note: e.note,
        },
      });
    }
  }
  const created: NewExposure[] = [];
  for (const m of wanted.values()) {
    const asset = input.assetOf(m.asset);
    if (!asset) continue;
    const facts = input.advisoryOf(m.advisory);
    const a = assess(policy, asset, facts, now, intelOf(m.advisory, facts, asset.orgId));
    created.push({
      id: newId(),
      orgId: asset.orgId,
      assetId: asset.id,
      advisoryId: m.advisory,
      sector: asset.sector,
      region: asset.region,
      ecosystem: m.component.ecosystem,
      package: m.component.name,
      normalizedName: m.component.normalizedName,
      version: m.component.version,
      purl: m.component.purl ?? null,
      severityScore: a.score,
      severityRating: a.rating,
      kev: a.kev,
      priority: a.priority,
      due: a.due,
      firstSeen: now,
    });
  }
  active += created.length;
  const count = (k: ChangedExposure['kind']) => changed.filter((c) => c.kind === k).length;
  return {
    created,
    changed,
    counts: {
      opened: created.length,
      reopened: count('reopened'),
      resolved: count('resolved'),
      updated: count('updated'),
      active,
    },
  };
}

/**
 * `reconcile` in parts of about `slice` exposures, one turn of the event loop each, so that an
 * SBOM that opens tens of thousands of exposures does not hold the main thread for seconds (parts
 * of 2,000 were turns of up to 100 ms at 13,000 exposures; issue 8 #7). The
 * parts split existing and desired by advisory, and every key holds its advisory, so the parts
 * are disjoint and their union is exactly what one call would return.
 */
export async function reconcileInTurns(input: ReconcileInput, slice = 500): Promise<ExposureChanges> {
  const parts = Math.ceil((input.existing.length + input.desired.length) / slice);
  if (parts <= 1) return reconcile(input);
  const partOf = (advisory: string) => {
    let h = 0;
    for (let i = 0; i < advisory.length; i++) h = (Math.imul(h, 31) + advisory.charCodeAt(i)) | 0;
    return (h >>> 0) % parts;
  };
  const existing: ExposureRow[][] = Array.from({ length: parts }, () => []);
  const desired: Match[][] = Array.from({ length: parts }, () => []);
  for (const e of input.existing) existing[partOf(e.advisoryId)]!.push(e);
  for (const m of input.desired) desired[partOf(m.advisory)]!.push(m);
  const out: ExposureChanges = {
    created: [],
    changed: [],
    counts: { opened: 0, reopened: 0, resolved: 0, updated: 0, active: 0 },
  };
  for (let p = 0; p < parts; p++) {
    await nextTurn();
    const r = reconcile({ ...input, existing: existing[p]!, desired: desired[p]! });
    for (const e of r.created) out.created.push(e);
    for (const c of r.changed) out.changed.push(c);
    for (const k of Object.keys(out.counts) as (keyof ReconcileCounts)[]) out.counts[k] += r.counts[k];
  }
  return out;
}

/** The committed form of an exposure version: identity, state and ranking, nothing else. */
export function ledgerRecord(e: {
  id: string;
  orgId: string;
  assetId: string;
  advisoryId: string;
  ecosystem: string;
  package: string;
  version: string;
  status: ExposureStatus;
  priority: number;
  due: string;
  kev: boolean;
  note: string | null;
}) {
  return {
    id: e.id,
    org: e.orgId,
    asset: e.assetId,
    advisory: e.advisoryId,
    ecosystem: e.ecosystem,
    package: e.package,
    version: e.version,
    status: e.status,
    priority: e.priority,
    due: e.due,
    kev: e.kev,
    note: e.note,
  };
}
