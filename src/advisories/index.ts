// The advisories domain's surface for other domains: the exposure engine reads active advisories
// and their facts (severity, aliases, KEV due date) through these functions, never through the
// advisory tables, and implements the AdvisoryMatching port the composition root hands to
// AdvisoryService.
export {
  type AdvisoryFacts,
  type AdvisoryMatchCounts,
  type AdvisoryMatching,
  type AffectedAssets,
  type ExposureChangeCounts,
  advisoriesFingerprint,
  advisoryFactsFingerprint,
  readActiveAdvisories,
  readAdvisoryFacts,
} from './facts.ts';
export { type AdvisoryDetail, AdvisoryService, type AdvisorySummary } from './service.ts';
export { type AdvisoryCommandContext, advisoryCommands } from './cli.ts';
export { advisoryRoutes } from './routes.ts';
