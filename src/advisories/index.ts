// The advisories domain's surface for other domains: the exposure engine reads active advisories
// and their facts (severity, aliases, KEV due date) through these functions, never through the
// advisory tables.
export { type AdvisoryFactsRow, activeAdvisoryDocs, advisoriesFingerprint, advisoryFacts } from './repo.ts';
