// What other domains may know of assets, and what the assets domain asks of a matcher. The exposure
// engine reads asset facts and deployed components through these functions (never the assets
// tables) and implements `AssetMatching`, which the composition root (src/app/context.ts) hands to
// AssetService: assets own their writes and their transaction, and call the matcher inside it.
import type { Queryable, Tx } from '../platform/db/types.ts';
import * as repo from './repo.ts';
import type { Criticality } from './schema.ts';

/** What ranks an asset's exposures. */
export interface AssetFacts {
  id: string;
  orgId: string;
  name: string;
  criticality: Criticality;
  criticalInfrastructure: boolean;
  sector: string | null;
  region: string;
  internetFacing: boolean;
}

/** A component an asset runs, as a matcher keys it: ecosystem, normalized name and version. */
export interface DeployedComponent {
  ecosystem: string;
  normalizedName: string;
  /** The package name in OSV's spelling. */
  name: string;
  version: string;
  purl?: string;
}

/** What a matcher reports of one write. */
export interface MatchCounts {
  opened: number;
  reopened: number;
  resolved: number;
  updated: number;
  /** Exposures in the write's scope that are not resolved afterwards. */
  active: number;
}

/** The matcher the assets domain calls inside its own transactions. */
export interface AssetMatching {
  /** Runs a write that matches: one at a time in this process, once the matcher is ready. */
  serialise<T>(write: () => Promise<T>): Promise<T>;
  /** A new SBOM of an asset, stored in `tx`: match its components, reconcile the asset's exposures. */
  sbomStored(tx: Tx, asset: AssetFacts, components: DeployedComponent[]): Promise<MatchCounts>;
  /** Changed facts of an asset (criticality, endpoints …), stored in `tx`: re-rank its exposures. */
  assetChanged(tx: Tx, asset: AssetFacts): Promise<MatchCounts>;
}

/** The facts of every asset. */
export function readAssetFacts(db: Queryable): Promise<AssetFacts[]> {
  return repo.listAssetFacts(db);
}

/** The facts of every asset, a page of assets at a time. */
export function readAssetFactPages(db: Queryable, perPage?: number): AsyncGenerator<AssetFacts[]> {
  return repo.assetFactsPages(db, perPage);
}

/** The matchable components of every asset's current SBOM, a page of assets at a time. */
export async function* readDeployedComponents(
  db: Queryable,
  /** Assets per query: small pages keep an embedded database (which blocks the process per statement) responsive. */
  assetsPerPage?: number,
): AsyncGenerator<(DeployedComponent & { assetId: string })[]> {
  for await (const page of repo.currentComponents(db, assetsPerPage))
    yield page.map((c) => ({
      assetId: c.assetId,
      ecosystem: c.ecosystem,
      normalizedName: c.normalizedName,
      name: c.name,
      version: c.version,
      ...(c.purl ? { purl: c.purl } : {}),
    }));
}

/** Changes when assets or SBOMs change (another process's writes): cheap, read from indexes. */
export function assetsFingerprint(db: Queryable): Promise<string> {
  return repo.assetsFingerprint(db);
}
