// The exposures domain's surface: the engine's service (wired by the composition root) and the
// domain's commands.
export { ExposureService } from './service.ts';
export { Exposure } from './schema.ts';
export { duePolicyOf } from './policy.ts';
export { type ExposureCommandContext, exposureCommands } from './cli.ts';
export { exposureRoutes } from './routes.ts';
export { seedExposureDemo } from './demo.ts';
export { type ExposureCell, exposureCellsByOrg, exposureFigures, type ExposureOrgCell } from './figures.ts';
export {
  type ExploitationMarks,
  exploitedByIntelligence,
  type IntelExploitedMark,
  markExploitedByIntelligence,
} from './intel-exploited.ts';
