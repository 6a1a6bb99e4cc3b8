// Schemas of the exposure views people act on (issue 14): remediation advice, the queue grouped
// by asset and component with cursor paging, and the counts at the top of the list.
import { type Static, Type } from 'typebox';
import { Id } from '../platform/http/schemas.ts';
import { Limit, Text } from '../platform/http/text.ts';
import { Exposure } from './schema.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const RemediationQuery = Type.Object(
  {
    asset: Type.Optional(Id),
    org: Type.Optional(Id),
    limit: Type.Optional(Limit(200)),
  },
  { additionalProperties: false },
);
export type RemediationQuery = Static<typeof RemediationQuery>;

const Upgrade = Type.Object({
  ecosystem: Type.String(),
  package: Type.String(),
  purl: Nullable(Type.String()),
  version: Type.String({ description: 'The version running now' }),
  fixedIn: Nullable(
    Type.String({ description: 'Lowest version that clears every open advisory; null: no fix known' }),
  ),
  partial: Nullable(
    Type.Object(
      { version: Type.String(), clears: Type.Array(Type.String()) },
      {
        description: 'With no full fix: the lowest version that clears the most advisories',
      },
    ),
  ),
  closes: Type.Integer({ description: 'Exposures the upgrade (or the partial one) closes' }),
  exposures: Type.Integer({ description: 'Unfixed exposures of this component' }),
  advisories: Type.Array(Type.String()),
  unfixed: Type.Array(Type.String(), { description: 'Advisories no known version clears' }),
  kev: Type.Boolean(),
});

export const ComponentUpgrade = Type.Object({
  ...Upgrade.properties,
  assets: Type.Array(Type.Object({ id: Id, name: Type.String() })),
});

export const AssetUpgrade = Type.Object({ ...Upgrade.properties });

export const Remediation = Type.Object(
  {
    totals: Type.Object({
      upgrades: Type.Integer({ description: 'Distinct upgrades (package, from, to) that close something' }),
      closes: Type.Integer({ description: 'Exposures those upgrades close' }),
      exposures: Type.Integer({ description: 'Unfixed exposures considered' }),
      noFix: Type.Integer({ description: 'Components with no known fixing version' }),
    }),
    components: Type.Array(ComponentUpgrade, {
      description: 'Per package and version across the visible assets, most exposures closed first',
    }),
    assets: Type.Array(
      Type.Object({
        asset: Id,
        assetName: Type.String(),
        closes: Type.Integer(),
        exposures: Type.Integer(),
        upgrades: Type.Array(AssetUpgrade),
      }),
    ),
    truncated: Type.Boolean({ description: 'More vulnerable components than the limit were found' }),
  },
  { $id: 'Remediation' },
);
export type Remediation = Static<typeof Remediation>;
export type ComponentUpgrade = Static<typeof ComponentUpgrade>;
export type AssetUpgrade = Static<typeof AssetUpgrade>;

const CommaList = Type.String({ maxLength: 200, pattern: '^[A-Za-z_]+(,[A-Za-z_]+)*$' });

export const GroupQuery = Type.Object(
  {
    asset: Type.Optional(Id),
    advisory: Type.Optional(Text({ maxLength: 100 })),
    org: Type.Optional(Id),
    status: Type.Optional(CommaList),
    severity: Type.Optional(CommaList),
    kev: Type.Optional(Type.Boolean()),
    sector: Type.Optional(Text({ maxLength: 64 })),
    region: Type.Optional(Text({ maxLength: 64 })),
    limit: Type.Optional(Limit(50, 200)),
    cursor: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type GroupQuery = Static<typeof GroupQuery>;

export const VexEvidence = Type.Object({
  status: Type.String({ description: 'not_affected, affected, fixed or under_investigation' }),
  justification: Nullable(Type.String()),
  statement: Nullable(Type.String({ description: 'The impact or action statement' })),
  author: Nullable(Type.String()),
  format: Type.String(),
  document: Nullable(Type.String()),
  statementId: Id,
});
export type VexEvidence = Static<typeof VexEvidence>;

export const ExposureGroup = Type.Object({
  asset: Id,
  assetName: Type.String(),
  ecosystem: Type.String(),
  package: Type.String(),
  version: Type.String(),
  purl: Nullable(Type.String()),
  priority: Type.Integer({ description: 'The highest priority among its exposures' }),
  due: Type.String({ format: 'date', description: 'The earliest due date among its exposures' }),
  kev: Type.Boolean(),
  count: Type.Integer(),
  exposures: Type.Array(Type.Object({ ...Exposure.properties, vex: Nullable(VexEvidence) })),
});
export type ExposureGroup = Static<typeof ExposureGroup>;

export const GroupPage = Type.Object({
  items: Type.Array(ExposureGroup),
  total: Type.Integer({ description: 'Groups matching the filter' }),
  next: Nullable(
    Type.String({ description: 'Cursor of the next page (pass as ?cursor=); null on the last page' }),
  ),
});
export type GroupPage = Static<typeof GroupPage>;

export const CountsQuery = Type.Omit(GroupQuery, ['limit', 'cursor']);
export type CountsQuery = Static<typeof CountsQuery>;

export const ExposureCounts = Type.Object({
  total: Type.Integer(),
  kev: Type.Integer({ description: 'Known exploited' }),
  byStatus: Type.Record(Type.String(), Type.Integer()),
  bySeverity: Type.Record(Type.String(), Type.Integer()),
});
export type ExposureCounts = Static<typeof ExposureCounts>;

export const VexImportResult = Type.Object({
  format: Nullable(Type.String()),
  statements: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()),
  notAffected: Type.Integer({ description: 'Exposures moved to not_affected' }),
  annotated: Type.Integer({
    description: 'Exposures given an affected, fixed or under_investigation statement',
  }),
  unreadableProducts: Type.Array(Type.String()),
});
