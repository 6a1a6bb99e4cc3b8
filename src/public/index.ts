// The public reporting domain's surface: the service (wired by the composition root with the
// ledger's receipts and, through the IndicatorPublisher port, the threat-intelligence domain),
// its routes, its settings, its demo seeder, and the pure canonical keys others may reuse.
export {
  type IndicatorPublisher,
  type PublicOrgs,
  type PublicSettings,
  PublicService,
  type ReportReceipt,
  type ReportReceipts,
} from './service.ts';
export { publicRoutes } from './routes.ts';
export { type PublicCommandContext, publicCommands } from './cli.ts';
export { publicSettings } from './settings.ts';
export { seedPublicDemo } from './demo.ts';
export { canonicalize, defang, type CanonicalObservable } from './canonical.ts';
export { AUDIENCE_OF_KIND, CATEGORIES, type ObservableKind } from './taxonomy.ts';
export {
  indicatorActionFigures,
  type PublicReportCell,
  type PublicReportCellKey,
  publicReportCells,
  publicReportFigures,
  publicTriageTimes,
} from './figures.ts';
