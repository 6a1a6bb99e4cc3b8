// The indicators Bulwark knows by code: the informatization indicators the issue names (with
// their WDI and ITU definitions where one exists) and the security indicators Bulwark computes
// from its own records. An import may name one of these and bring only values; a generic CSV may
// define a new one.
import type { IndicatorDefinition } from './model.ts';

const WDI = 'World Bank, World Development Indicators';
const WDI_LICENCE = 'CC BY 4.0';
const ITU = 'ITU, World Telecommunication/ICT Indicators';
const BULWARK = 'Bulwark (computed from its own records)';

function wdi(code: string, name: string, unit: string, scale: number): IndicatorDefinition {
  return {
    code,
    name,
    unit,
    direction: 'higher-is-better',
    source: WDI,
    licence: WDI_LICENCE,
    definitionUrl: `https://data.worldbank.org/indicator/${code}`,
    aggregation: 'ratio-of-sums',
    scale,
  };
}

export const INFORMATIZATION_INDICATORS: readonly IndicatorDefinition[] = [
  wdi('IT.NET.USER.ZS', 'Individuals using the Internet', '% of population', 100),
  wdi('IT.NET.BBND.P2', 'Fixed broadband subscriptions', 'per 100 people', 100),
  wdi('IT.CEL.SETS.P2', 'Mobile cellular subscriptions', 'per 100 people', 100),
  {
    code: 'internet-users-urban',
    name: 'Internet users, urban population',
    unit: '% of urban population',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: 'internet-users-rural',
    name: 'Internet users, rural population',
    unit: '% of rural population',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: 'mobile-broadband-per-100',
    name: 'Active mobile-broadband subscriptions',
    unit: 'per 100 people',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: 'bandwidth-per-user',
    name: 'International bandwidth per Internet user',
    unit: 'kbit/s',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 1,
  },
  {
    code: '4g-coverage',
    name: 'Population covered by at least a 4G (LTE) mobile network',
    unit: '% of population',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: '5g-coverage',
    name: 'Population covered by at least a 5G mobile network',
    unit: '% of population',
    direction: 'higher-is-better',
    source: ITU,
    licence: 'per source',
    definitionUrl: 'https://www.itu.int/en/ITU-D/Statistics/Pages/stat/default.aspx',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: 'gigabit-coverage',
    name: 'Households covered by gigabit networks',
    unit: '% of households',
    direction: 'higher-is-better',
    source: 'EU Digital Decade',
    licence: 'per source',
    definitionUrl: 'https://digital-strategy.ec.europa.eu/en/policies/digital-decade',
    aggregation: 'ratio-of-sums',
    scale: 100,
  },
  {
    code: 'median-download-mbps',
    name: 'Median fixed download speed',
    unit: 'Mbit/s',
    direction: 'higher-is-better',
    source: 'per source',
    licence: 'per source',
    definitionUrl: null,
    aggregation: 'population-weighted',
    scale: 1,
  },
];

function own(
  code: string,
  name: string,
  unit: string,
  direction: IndicatorDefinition['direction'],
  aggregation: IndicatorDefinition['aggregation'],
  scale: number,
): IndicatorDefinition {
  return {
    code,
    name,
    unit,
    direction,
    source: BULWARK,
    licence: 'the federation’s own records',
    definitionUrl: null,
    aggregation,
    scale,
  };
}

/** Computed on request from the domains' records, scoped by the access rule (never imported). */
export const SECURITY_INDICATORS: readonly IndicatorDefinition[] = [
  own(
    'open-critical-high-per-100-critical-assets',
    'Open critical and high exposures per 100 critical assets',
    'per 100 critical assets',
    'lower-is-better',
    'ratio-of-sums',
    100,
  ),
  own(
    'kev-past-due',
    'Known-exploited exposures past their due date',
    'exposures',
    'lower-is-better',
    'sum',
    1,
  ),
  own('incidents', 'Incidents (drills apart)', 'incidents', 'neutral', 'sum', 1),
  own(
    'reports-on-time',
    'Statutory reports filed within their deadline',
    '% of reports due',
    'higher-is-better',
    'ratio-of-sums',
    100,
  ),
  own(
    'public-reports-per-100k',
    'Public reports per 100,000 people',
    'per 100,000 people',
    'neutral',
    'ratio-of-sums',
    100_000,
  ),
];

const BY_CODE = new Map([...INFORMATIZATION_INDICATORS, ...SECURITY_INDICATORS].map((d) => [d.code, d]));

export function knownIndicator(code: string): IndicatorDefinition | undefined {
  return BY_CODE.get(code);
}
