// The assets domain's surface for other domains: the exposure engine reads deployed components
// and asset facts through these functions, never through the assets tables, and implements the
// AssetMatching port the composition root hands to AssetService.
export {
  type AssetFacts,
  type AssetMatching,
  assetsFingerprint,
  type DeployedComponent,
  type MatchCounts,
  readAssetFacts,
  readAssetFactPages,
  readDeployedComponents,
} from './facts.ts';
export { AssetService } from './service.ts';
// CycloneDX VEX imports (exposures) are held to the same CycloneDX JSON schema as SBOMs.
export { assertCycloneDxSchema } from './sbom/index.ts';
export { type AssetCommandContext, assetCommands } from './cli.ts';
export { assetRoutes } from './routes.ts';
export { type CriticalAssetCell, criticalAssetFigures, criticalAssetsByOrg } from './figures.ts';
