// The intel domain's surface: the services (STIX object store, TAXII server and client feeds, the
// indicator matcher), their routes, commands and demo seeder, and the pure STIX helpers other
// domains and the benchmarks use (pattern parser, matcher, observables).
export { CredentialBox } from './credentials.ts';
export { FeedService } from './feeds.ts';
export { IndicatorMatcher, type IndicatorInput, type MatchHit } from './matcher/matcher.ts';
export { type IncidentLookup, LinkService } from './links.ts';
export { intelRoutes } from './routes.ts';
export { statusWorker } from './status-worker.ts';
export { type IntelCommandContext, intelCommands } from './cli.ts';
export { seedIntelDemo } from './demo.ts';
export { type CollectionView, type IngestResult, IntelService } from './service.ts';
export { type Observable, extractObservables, normalizeObservable } from './stix/observables.ts';
export { PatternError, parsePattern } from './stix/pattern.ts';
export { TaxiiClient } from './taxii/client.ts';
