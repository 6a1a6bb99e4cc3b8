// Request and response schemas of the metrics API (TypeBox): they validate queries and generate
// the OpenAPI document; the serialiser drops anything not declared here.
import { type Static, Type } from 'typebox';
import { Text } from '../platform/http/text.ts';

const Num = Type.Union([Type.Number(), Type.Null()]);
const Int = Type.Union([Type.Integer(), Type.Null()]);
const Str = Type.Union([Type.String(), Type.Null()]);

export const FormatQuery = Type.Object(
  { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) },
  { additionalProperties: false },
);

export const SecurityFigures = Type.Object({
  criticalAssets: Type.Integer(),
  openCriticalHigh: Type.Integer(),
  openCriticalHighPer100CriticalAssets: Num,
  kevPastDue: Type.Integer(),
  kevPastDueMaxDays: Num,
  kevPastDueMeanDays: Num,
  incidents: Int,
  incidentsThisMonth: Int,
  incidentsLastMonth: Int,
  majorIncidents: Int,
  overdueIncidents: Int,
  reportsDue: Int,
  reportsOnTime: Int,
  reportsOnTimePercent: Num,
  reportsOverdueNotFiled: Int,
  p90LateHours: Num,
  publicReports: Int,
  publicReportsPer100k: Num,
  awaitingTriage: Int,
  suppressed: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Counts of 1–4 left out: they could identify an organization or a reporter',
    }),
  ),
});

export const RegionRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.Integer(),
  population: Int,
  security: SecurityFigures,
});
/** A region below the caller's with its security figures (the overview's and a region page's rows). */
export type RegionRow = Static<typeof RegionRow>;

export const Overview = Type.Object({
  scope: Type.Object({ code: Type.String(), name: Type.String(), level: Type.Integer(), org: Type.String() }),
  generatedAt: Type.String(),
  period: Type.Object({ thisMonth: Type.String(), lastMonth: Type.String() }),
  attention: Type.Array(
    Type.Object({ key: Type.String(), label: Type.String(), count: Type.Integer(), link: Type.String() }),
  ),
  totals: SecurityFigures,
  operations: Type.Object({
    timeToTriage: Type.Object(
      { triaged: Type.Integer(), medianHours: Num, p90Hours: Num },
      { description: "Public reports' whole hours from receipt to their first decision (12 months)" },
    ),
    operatorActions: Type.Object(
      {
        promoted: Type.Integer(),
        answered: Type.Integer(),
        blockedOrTakenDown: Type.Integer(),
        answeredPercent: Num,
      },
      {
        description:
          "Indicators promoted from public reports (12 months) that the caller's organizations answered",
      },
    ),
    ledger: Type.Union([
      Type.Object({
        treeSize: Type.Integer(),
        pending: Type.Integer(),
        checkpointAt: Type.String(),
        checkpointAgeSeconds: Type.Integer(),
        witnesses: Type.Array(
          Type.Object({
            name: Type.String(),
            lastCosignedSize: Int,
            lastCosignedAt: Str,
            lagEntries: Type.Integer(),
            lagSeconds: Int,
          }),
        ),
      }),
      Type.Null(),
    ]),
  }),
  trends: Type.Object({
    incidentsByMonth: Type.Array(
      Type.Object({ month: Type.String(), byGrade: Type.Record(Type.String(), Int) }),
    ),
    publicByMonth: Type.Array(Type.Object({ month: Type.String(), reports: Type.Integer() })),
  }),
  regions: Type.Array(RegionRow),
});

export const IndicatorValue = Type.Object({
  indicator: Type.String(),
  region: Type.String(),
  period: Type.String(),
  value: Num,
  numerator: Num,
  denominator: Num,
  estimate: Type.Boolean(),
  provisional: Type.Boolean(),
  break: Type.Boolean(),
  rolledUp: Type.Boolean(),
  vintage: Type.String(),
  source: Type.String(),
  licence: Type.String(),
  demo: Type.Boolean(),
  // Unsafe only types it: the JSON schema is the open object, its Static an object of unknown values.
  provenance: Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true })),
});
/** An indicator's value for a region and period, with its flags and provenance. */
export type IndicatorValue = Static<typeof IndicatorValue>;

export const IndicatorDefinition = Type.Object({
  code: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  direction: Type.String(),
  source: Type.String(),
  licence: Type.String(),
  definitionUrl: Str,
  aggregation: Type.String(),
  scale: Type.Number(),
  demo: Type.Boolean(),
});

export const RegionParams = Type.Object(
  { code: Type.String({ pattern: '^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$', maxLength: 64 }) },
  { additionalProperties: false },
);

export const RegionPage = Type.Object({
  region: Type.Object({
    code: Type.String(),
    name: Type.String(),
    level: Type.Integer(),
    parent: Str,
    population: Int,
    settlement: Str,
  }),
  generatedAt: Type.String(),
  security: SecurityFigures,
  bySector: Type.Array(Type.Intersect([Type.Object({ sector: Str }), SecurityFigures])),
  indicators: Type.Array(IndicatorValue),
  children: Type.Array(RegionRow),
});

export const RegionOrganizationsQuery = Type.Object(
  {
    sector: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z0-9-]{1,31}$', description: 'only this sector (a sector key)' }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

export const RegionOrganizations = Type.Object({
  region: Type.String(),
  sector: Str,
  since: Type.String({ description: 'first month counted (YYYY-MM)' }),
  generatedAt: Type.String(),
  organizations: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      region: Type.String(),
      sector: Str,
      openCriticalHigh: Type.Integer(),
      criticalAssets: Type.Union([Type.Integer(), Type.Null()], {
        description: 'critical assets (criticality critical or critical infrastructure); null when 1–4',
      }),
      openCriticalHighPer100CriticalAssets: Type.Union([Type.Number(), Type.Null()], {
        description:
          'open critical/high exposures per 100 critical assets; null without critical assets or when 1–4',
      }),
      kevPastDue: Type.Integer(),
      incidents: Type.Integer(),
      majorIncidents: Type.Integer(),
      overdueIncidents: Type.Integer(),
      reportsDue: Type.Integer({ description: 'reports filed, plus obligations past due and not filed' }),
      reportsOnTime: Type.Integer(),
      reportsOnTimePercent: Num,
      suppressed: Type.Array(Type.String(), { description: 'figures left out by the small-cell rule' }),
    }),
  ),
});

export const IndicatorsQuery = Type.Object(
  {
    indicator: Type.Optional(Text({ maxLength: 100 })),
    region: Type.Optional(Text({ maxLength: 64 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

export const Indicators = Type.Object({
  indicators: Type.Array(IndicatorDefinition),
  values: Type.Array(IndicatorValue),
});

export const TwoWingsQuery = Type.Object(
  {
    weights: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'indicator:weight pairs, comma-separated (default 1 each)',
      }),
    ),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
  },
  { additionalProperties: false },
);

export const TwoWings = Type.Object({
  scope: Type.String(),
  definitions: Type.Object({
    informatization: Type.Array(
      Type.Object({ indicator: Type.String(), weight: Type.Number(), higherIsBetter: Type.Boolean() }),
    ),
    security: Type.Array(
      Type.Object({ indicator: Type.String(), weight: Type.Number(), higherIsBetter: Type.Boolean() }),
    ),
    method: Type.String(),
  }),
  regions: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      population: Int,
      informatizationIndex: Num,
      securityIndex: Num,
    }),
  ),
});

export const DigitalGap = Type.Object({
  scope: Type.String(),
  period: Str,
  regions: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      period: Type.String(),
      urban: Num,
      rural: Num,
      gap: Num,
      estimate: Type.Boolean(),
      source: Str,
      licence: Str,
    }),
  ),
  overTime: Type.Array(
    Type.Object({
      code: Type.String(),
      series: Type.Array(Type.Object({ period: Type.String(), gap: Num })),
    }),
  ),
});

export const Deadlines = Type.Object({
  scope: Type.String(),
  generatedAt: Type.String(),
  since: Type.String(),
  timeToReport: Type.Array(
    Type.Object({
      stage: Type.String(),
      limitHours: Num,
      reports: Type.Integer(),
      onTime: Type.Integer(),
      overdueNotFiled: Type.Integer({
        description:
          "obligations of this stage past their deadline and not filed (each incident's missed stage)",
      }),
      bins: Type.Array(Type.Object({ fromHours: Type.Integer(), toHours: Num, reports: Num })),
    }),
  ),
  lateness: Type.Object(
    {
      filedLate: Type.Integer(),
      overdueNotFiled: Type.Integer(),
      p90LateHours: Num,
    },
    {
      description:
        'Late obligations: reports filed after their deadline, and obligations past their deadline not yet filed (every missed stage of an incident); p90 of hours late over both',
    },
  ),
  incidentsByMonth: Type.Array(
    Type.Object({ month: Type.String(), byGrade: Type.Record(Type.String(), Num) }),
  ),
  kevAgeing: Type.Array(
    Type.Object({ band: Type.String(), fromDays: Type.Integer(), toDays: Num, exposures: Num }),
  ),
  suppression: Type.String(),
});

export const TileMap = Type.Object({
  scope: Type.String(),
  generatedAt: Type.String(),
  layout: Type.String(),
  indicators: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      unit: Type.String(),
      direction: Type.String(),
      source: Type.String(),
      licence: Type.String(),
    }),
  ),
  geometry: Type.Union(
    [
      Type.Null(),
      Type.Object({
        source: Type.String(),
        licence: Type.String(),
        file: Type.String(),
        sha256: Type.String(),
        importedAt: Type.String(),
        demo: Type.Boolean(),
        regions: Type.Integer(),
        featureCollection: Type.Object({
          type: Type.Literal('FeatureCollection'),
          features: Type.Array(
            Type.Object({
              type: Type.Literal('Feature'),
              properties: Type.Object({ region: Type.String() }),
              geometry: Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Unknown()) }),
            }),
          ),
        }),
      }),
    ],
    {
      description:
        'the operator-supplied boundaries of the tiles regions (bulwark import geometry), or null: tile grid only',
    },
  ),
  tiles: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      population: Num,
      col: Type.Integer(),
      row: Type.Integer(),
      values: Type.Record(Type.String(), Num),
      suppressed: Type.Array(Type.String()),
      provenance: Type.Record(
        Type.String(),
        Type.Object({
          period: Type.String(),
          source: Type.String(),
          licence: Type.String(),
          estimate: Type.Boolean(),
        }),
      ),
    }),
  ),
});
