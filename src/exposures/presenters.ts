// Every field of an exposure that leaves the server, typed by the response schema.
import type { ExposureRow } from './repo.ts';
import type { Exposure } from './schema.ts';

/** `names`: what the engine knows of the asset and the advisory (the row holds only their ids). */
export function presentExposure(r: ExposureRow, names: { assetName: string; aliases: string[] }): Exposure {
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
    kev: r.kev,
    priority: r.priority,
    due: r.due,
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
