// Output schemas of the advisories API and their types: the one contract of each resource. The
// routes validate and document with the schemas; the service's presenters return the Static<>
// types; the console reads the same types (type-only imports).
import { type Static, type TSchema, Type } from 'typebox';

const Severity = Type.Object({
  score: Type.Union([Type.Number(), Type.Null()]),
  rating: Type.String(),
  vector: Type.Union([Type.String(), Type.Null()]),
});

export const AdvisorySummary = Type.Object({
  id: Type.String(),
  modified: Type.String(),
  published: Type.Union([Type.String(), Type.Null()]),
  withdrawn: Type.Union([Type.String(), Type.Null()]),
  aliases: Type.Array(Type.String()),
  summary: Type.Union([Type.String(), Type.Null()]),
  severity: Severity,
  kev: Type.Union([Type.Object({ due: Type.String() }), Type.Null()]),
  packages: Type.Array(Type.String()),
  version: Type.Integer(),
});
export type AdvisorySummary = Static<typeof AdvisorySummary>;

/** Who supplied one version of an advisory, and how. */
export const AdvisoryVersion = Type.Object({
  version: Type.Integer(),
  modified: Type.String(),
  withdrawn: Type.Union([Type.String(), Type.Null()]),
  org: Type.Union([Type.String(), Type.Null()], {
    description: 'The organization the supplier acted for (null: stored before provenance was recorded)',
  }),
  suppliedBy: Type.Union(
    [
      Type.Object({
        kind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('local')]),
        id: Type.String(),
      }),
      Type.Null(),
    ],
    { description: 'The user or token that supplied it; shown only to those who see that organization' },
  ),
  feed: Type.String({ description: 'The feed that owns the advisory, e.g. osv' }),
  channel: Type.String({ description: 'How it arrived: api or cli' }),
  entry: Type.Union([Type.String(), Type.Null()], { description: 'The file or archive entry it came from' }),
  takenOverFrom: Type.Union([Type.String(), Type.Null()], {
    description: 'The source (organization/feed) the coordination centre took it over from',
  }),
  importedAt: Type.String(),
});
export type AdvisoryVersion = Static<typeof AdvisoryVersion>;

/** The fields an advisory's detail adds to its summary, but the affected assets' exposures. */
const AdvisoryDetailFields = Type.Object({
  details: Type.Union([Type.String(), Type.Null()]),
  references: Type.Array(Type.Object({ type: Type.String(), url: Type.String() })),
  affected: Type.Array(Type.Unknown()),
  exposureCount: Type.Integer(),
  source: Type.Object(
    {
      org: Type.Union([Type.String(), Type.Null()]),
      feed: Type.Union([Type.String(), Type.Null()]),
    },
    { description: 'The source that owns the advisory: only it updates or withdraws it' },
  ),
  versions: Type.Array(AdvisoryVersion, {
    description: 'Stored versions, newest first, with provenance',
  }),
});

/**
 * The detail of an advisory; `exposure` is the schema of an affected asset's exposure (the
 * matcher's: the advisories domain does not import the exposures domain, which sits above it).
 */
export const AdvisoryDetail = (exposure: TSchema) =>
  Type.Intersect([
    AdvisorySummary,
    Type.Object({ ...AdvisoryDetailFields.properties, exposures: Type.Array(exposure) }),
  ]);
/** An advisory with the affected assets the caller sees, `E` being how the matcher presents them. */
export type AdvisoryDetail<E = unknown> = AdvisorySummary &
  Static<typeof AdvisoryDetailFields> & { exposures: E[] };

const Counts = Type.Object({
  opened: Type.Integer(),
  reopened: Type.Integer(),
  resolved: Type.Integer(),
  updated: Type.Integer(),
});

export const OsvImportSummary = Type.Object({
  read: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  withdrawn: Type.Integer(),
  failed: Type.Array(
    Type.Object({
      source: Type.String(),
      kind: Type.String({ description: "An import error's kind, or future-time, or other-source" }),
      message: Type.String(),
      errors: Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() })),
    }),
    { description: 'Entries not stored' },
  ),
  exposures: Counts,
});
export type OsvImportSummary = Static<typeof OsvImportSummary>;

export const KevImportSummary = Type.Object({
  catalogVersion: Type.String(),
  entries: Type.Integer(),
  advisoriesMarked: Type.Integer(),
  exposures: Counts,
});
export type KevImportSummary = Static<typeof KevImportSummary>;

export const CsafImportSummary = Type.Intersect([
  OsvImportSummary,
  Type.Object({
    document: Type.String({ description: "The CSAF document's /document/tracking/id" }),
    advisories: Type.Array(Type.String(), {
      description: 'One advisory per vulnerability: tracking id _ CVE',
    }),
    products: Type.Object({
      mapped: Type.Integer({ description: 'Affected products mapped onto a package version by purl' }),
      unmapped: Type.Array(Type.Object({ productId: Type.String(), reason: Type.String() }), {
        description:
          'Affected products that name no package version (CPE only, no purl, purl without version)',
      }),
      fixed: Type.Integer(),
      notAffected: Type.Integer(),
    }),
  }),
]);
export type CsafImportSummary = Static<typeof CsafImportSummary>;

export const EpssImportSummary = Type.Object({
  modelVersion: Type.Union([Type.String(), Type.Null()]),
  scoreDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  scores: Type.Integer({ description: 'CVEs scored in the file' }),
  advisoriesScored: Type.Integer({ description: 'Imported advisories whose id or alias the file scores' }),
  exposures: Counts,
});
export type EpssImportSummary = Static<typeof EpssImportSummary>;
