// The advisories domain's surface for other domains: the exposure engine reads active advisories
// and their facts (severity, aliases, KEV due date) through these functions, never through the
// advisory tables.
import type { AdvisoryFacts } from '../exposures/service.ts';
import type { AdvisoryFactsRow } from './repo.ts';

export {
  type AdvisoryFactsRow,
  activeAdvisoryDocs,
  advisoriesFingerprint,
  advisoryFacts,
} from './repo.ts';

/** An advisory's facts as the exposure engine ranks by them (score as a number). */
export function toAdvisoryFacts(f: AdvisoryFactsRow): AdvisoryFacts {
  return {
    id: f.id,
    aliases: f.aliases,
    score: f.severityScore === null ? null : Number(f.severityScore),
    rating: f.severityRating,
    kevDue: f.kevDue,
  };
}
export { type AdvisoryCommandContext, advisoryCommands } from './cli.ts';
export { AdvisoryService } from './service.ts';
export { advisoryRoutes } from './routes.ts';
