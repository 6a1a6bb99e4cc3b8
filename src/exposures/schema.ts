// Input and output schemas of the exposures domain (the queue and its status workflow).
import { type Static, Type } from 'typebox';
import { enumOf, Id } from '../platform/http/schemas.ts';
import { Limit, Offset, Text } from '../platform/http/text.ts';
import { STATUSES } from './policy.ts';

export const StatusSchema = enumOf(STATUSES);

export const Exposure = Type.Object(
  {
    id: Id,
    org: Id,
    asset: Id,
    assetName: Type.String(),
    advisory: Type.String({ description: 'OSV id' }),
    aliases: Type.Array(Type.String()),
    ecosystem: Type.String(),
    package: Type.String(),
    version: Type.String(),
    purl: Type.Union([Type.String(), Type.Null()]),
    severity: Type.Object({ score: Type.Union([Type.Number(), Type.Null()]), rating: Type.String() }),
    severitySource: Type.Union(
      [
        Type.Object({
          advisory: Type.String({ description: 'The advisory whose CVSS score this is' }),
          via: Type.Union([Type.Literal('advisory'), Type.Literal('alias')], {
            description: 'advisory: its own; alias: another imported advisory sharing an alias (CVE, GHSA)',
          }),
        }),
        Type.Null(),
      ],
      { description: 'Where the severity came from; null without a score' },
    ),
    epss: Type.Union(
      [
        Type.Object({
          cve: Type.String(),
          score: Type.Number({ description: 'FIRST EPSS probability of exploitation in the next 30 days' }),
          percentile: Type.Number(),
          date: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
        }),
        Type.Null(),
      ],
      { description: 'EPSS of the advisory’s CVE (the highest of its aliases); null when none is imported' },
    ),
    kev: Type.Boolean({ description: 'Known exploited (CISA KEV)' }),
    exploitation: Type.Object(
      {
        kev: Type.Boolean({ description: 'In the CISA KEV catalogue' }),
        intel: Type.Array(
          Type.Object({
            cve: Type.String({ description: 'The CVE (the advisory or an alias) the intelligence names' }),
            source: Type.String({ description: 'The STIX object that shows it exploited' }),
            reach: Type.Union([Type.Literal('all'), Type.Literal('organization')], {
              description:
                "all: intelligence every member may see (TLP CLEAR, GREEN); organization: this organization's own",
            }),
          }),
          { description: 'Threat intelligence that shows it exploited and reaches this organization' },
        ),
      },
      {
        description:
          'Why the exposure counts as exploited (KEV or intelligence; either puts it in the top tier of the priority)',
      },
    ),
    priority: Type.Integer({
      description:
        'Larger is more urgent: exploited (KEV or intelligence), then EPSS percentile, CVSS, asset criticality, internet-facing',
    }),
    due: Type.String({ format: 'date' }),
    dueRule: Type.String({ description: 'The rule of the due-date policy that set the due date' }),
    status: StatusSchema,
    sector: Type.Union([Type.String(), Type.Null()]),
    region: Type.String(),
    firstSeen: Type.String({ format: 'date-time' }),
    resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    reopened: Type.Integer(),
    note: Type.Union([Type.String(), Type.Null()]),
    revision: Type.Integer({ description: 'Ledger version of the exposure record' }),
  },
  { $id: 'Exposure' },
);
export type Exposure = Static<typeof Exposure>;

const CommaList = Type.String({ maxLength: 200, pattern: '^[A-Za-z_]+(,[A-Za-z_]+)*$' });

export const ExposureListQuery = Type.Object(
  {
    asset: Type.Optional(Id),
    advisory: Type.Optional(Text({ maxLength: 100 })),
    org: Type.Optional(Id),
    status: Type.Optional(CommaList),
    severity: Type.Optional(CommaList),
    kev: Type.Optional(Type.Boolean()),
    sector: Type.Optional(Text({ maxLength: 64 })),
    region: Type.Optional(Text({ maxLength: 64 })),
    limit: Type.Optional(Limit(100)),
    offset: Type.Optional(Offset()),
  },
  { additionalProperties: false },
);
export type ExposureListQuery = Static<typeof ExposureListQuery>;

export const StatusChange = Type.Object(
  { status: StatusSchema, note: Type.Optional(Text({ maxLength: 2000, multiline: true })) },
  { additionalProperties: false },
);
export type StatusChange = Static<typeof StatusChange>;

export const BulkStatusChange = Type.Object(
  {
    ids: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    status: StatusSchema,
    note: Type.Optional(Text({ maxLength: 2000, multiline: true })),
  },
  { additionalProperties: false },
);
export type BulkStatusChange = Static<typeof BulkStatusChange>;

export const RematchResult = Type.Object({
  opened: Type.Integer(),
  reopened: Type.Integer(),
  resolved: Type.Integer(),
  updated: Type.Integer(),
  active: Type.Integer(),
  components: Type.Integer(),
  ms: Type.Number(),
});
