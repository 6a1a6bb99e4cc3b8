// Entry point of the version layer: each OSV ecosystem's exact version order, a parse-once form for
// matchers that precompile range bounds, OSV range evaluation, and the line-oriented comparison
// behind `bulwark versions compare`. Pure: no database, no HTTP.

export { compareLines } from './compare-lines.ts';
export {
  compareVersions,
  findVersionOrder,
  knownEcosystems,
  type VersionOrder,
  versionKey,
  versionOrder,
} from './ecosystems.ts';
export { CompareInputError, InvalidVersionError, UnknownEcosystemError } from './errors.ts';
export {
  type AffectedMatcher,
  compileAffected,
  type OsvAffected,
  type OsvEvent,
  type OsvKindEvent,
  type OsvSchemaEvent,
  type OsvRange,
  ParsedVersion,
} from './osv.ts';
export { normalizePypiName } from './pep440.ts';
export { splitGemPlatform } from './rubygems.ts';
export type { Ordering, VersionScheme } from './scheme.ts';
