// The assets domain's surface for other domains: the exposure engine reads deployed components
// and asset facts through these functions, never through the assets tables.
export { assetsFingerprint, currentComponents, listAssetFacts } from './repo.ts';
export { AssetService } from './service.ts';
export { type AssetCommandContext, assetCommands } from './cli.ts';
export { assetRoutes } from './routes.ts';
