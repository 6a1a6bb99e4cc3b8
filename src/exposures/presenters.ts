// Every field of an exposure that leaves the server, typed by the response schema.
import type { AdvisoryFacts } from '../advisories/index.ts';
import type { AssetFacts } from '../assets/index.ts';
import type { IntelSighting } from './intel-exploited.ts';
import { type DueDatePolicy, dueOf, ratingOfScore } from './policy.ts';
import type { ExposureRow } from './repo.ts';
import type { Exposure } from './schema.ts';

/** What the engine knows of an exposure's asset and advisory (the row holds only their ids). */
export interface ExposureNames {
  assetName: string;
  aliases: string[];
  asset?: AssetFacts;
  advisory?: AdvisoryFacts;
  policy?: DueDatePolicy;
  /** Threat intelligence that shows the advisory (or an alias) exploited and reaches the exposure's organization. */
  intel?: IntelSighting[];
}

/**
 * The rule of the policy that sets this exposure's due date, from the facts it is ranked by now.
 * The engine re-dates an exposure whenever those facts change; a stored date that the current
 * policy would not give (the policy changed since, and no rematch ran) is said so.
 */
export function dueRuleOf(r: ExposureRow, names: ExposureNames): string {
  if (!names.policy || !names.asset) return 'unknown (the asset is not known to this process)';
  const d = dueOf(
    names.policy,
    {
      rating: ratingOfScore(r.severityScore === null ? null : Number(r.severityScore), r.severityRating),
      kevDue: r.kev ? (names.advisory?.kevDue ?? null) : null,
      criticality: names.asset.criticality,
      criticalInfrastructure: names.asset.criticalInfrastructure,
    },
    new Date(r.openedAt),
  );
  return d.due === r.due
    ? d.rule
    : `${d.rule} (stored date set under earlier facts or policy; a full rematch re-dates it)`;
}

export function presentExposure(r: ExposureRow, names: ExposureNames): Exposure {
  const advisory = names.advisory;
  return {
    id: r.id,
    org: r.orgId,
    asset: r.assetId,
    assetName: names.assetName,
    advisory: r.advisoryId,
    aliases: names.aliases,
    ecosystem: r.ecosystem,
    package: r.package,
    version: r.version,
    purl: r.purl,
    severity: {
      score: r.severityScore === null ? null : Number(r.severityScore),
      rating: r.severityRating ?? 'unknown',
    },
    severitySource: r.severityScore === null ? null : (advisory?.severitySource ?? null),
    epss: advisory?.epss ?? null,
    kev: r.kev,
    exploitation: { kev: r.kev, intel: names.intel ?? [] },
    priority: r.priority,
    due: r.due,
    dueRule: dueRuleOf(r, names),
    status: r.status,
    sector: r.sector,
    region: r.region,
    firstSeen: new Date(r.firstSeen).toISOString(),
    resolvedAt: r.resolvedAt ? new Date(r.resolvedAt).toISOString() : null,
    reopened: r.reopened,
    note: r.note,
    revision: r.versionNo,
  };
}
