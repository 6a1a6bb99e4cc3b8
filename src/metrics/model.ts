// What the metrics domain talks about: indicator definitions, observations of an indicator in a
// region and period, and the regions themselves (aligned with the organization tree's region codes:
// BW, BW-N, BW-N-01 …). Plain types shared by the converters, the roll-up and the service.

export const AGGREGATIONS = ['sum', 'ratio-of-sums', 'population-weighted'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const DIRECTIONS = ['higher-is-better', 'lower-is-better', 'neutral'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const SETTLEMENTS = ['urban', 'rural', 'mixed'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

export interface IndicatorDefinition {
  code: string;
  name: string;
  unit: string;
  direction: Direction;
  source: string;
  licence: string;
  definitionUrl: string | null;
  aggregation: Aggregation;
  /** A ratio's value is numerator / denominator × scale (100 for "%" or "per 100 people"). */
  scale: number;
}

export interface ObservationFlags {
  estimate: boolean;
  provisional: boolean;
  /** A break in series: not comparable with the period before. */
  break: boolean;
}

export interface Observation extends ObservationFlags {
  indicator: string;
  region: string;
  period: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  vintage: string;
  source: string;
  licence: string;
  provenance: Record<string, unknown>;
}

export interface Region {
  code: string;
  parent: string | null;
  name: string;
  level: number;
  settlement: Settlement | null;
  population: number | null;
}

/** What an import converter returns: definitions it carries (or names) and observations. */
export interface IndicatorImport {
  format: 'wdi' | 'itu' | 'csv';
  indicators: IndicatorDefinition[];
  observations: Observation[];
}

/** The region a code rolls up into: 'BW-N-01' → 'BW-N' → 'BW' → null. */
export function parentCode(code: string): string | null {
  const i = code.lastIndexOf('-');
  return i > 0 ? code.slice(0, i) : null;
}

/** Whether `code` is `scope` or lies below it ('BW-N' holds 'BW-N-01', not 'BW-NE'). */
export function inRegion(scope: string, code: string): boolean {
  return code === scope || code.startsWith(`${scope}-`);
}
