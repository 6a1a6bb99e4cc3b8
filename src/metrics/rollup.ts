// Rolling observations of leaf regions up into their parents, by the indicator's aggregation:
// counts add up; rates are ratios of sums (Σ numerator / Σ denominator), never the mean of the
// children's rates, which would weigh a village like a capital; a figure without numerator and
// denominator may be weighted by population. Pure: no database.
import type { Aggregation } from './model.ts';

export interface RollupInput {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  population: number | null;
  estimate?: boolean;
}

export interface RollupResult {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  /** How many inputs contributed. */
  count: number;
  /** Some contributing value is an estimate, or an input could not be used. */
  estimate: boolean;
}

export function rollUp(
  aggregation: Aggregation,
  scale: number,
  inputs: readonly RollupInput[],
): RollupResult {
  const anyEstimate = inputs.some((i) => i.estimate === true);
  if (aggregation === 'sum') {
    const used = inputs.filter((i) => i.value !== null);
    const value = used.length ? used.reduce((s, i) => s + (i.value as number), 0) : null;
    return { value, numerator: null, denominator: null, count: used.length, estimate: anyEstimate };
  }
  if (aggregation === 'ratio-of-sums') {
    const used = inputs.filter((i) => i.numerator !== null && i.denominator !== null);
    const numerator = used.reduce((s, i) => s + (i.numerator as number), 0);
    const denominator = used.reduce((s, i) => s + (i.denominator as number), 0);
    return {
      value: used.length && denominator > 0 ? (numerator / denominator) * scale : null,
      numerator: used.length ? numerator : null,
      denominator: used.length ? denominator : null,
      count: used.length,
      // A child without its numerator and denominator is left out: the total is then partial.
      estimate: anyEstimate || used.length < inputs.length,
    };
  }
  const used = inputs.filter((i) => i.value !== null && i.population !== null && i.population > 0);
  const weight = used.reduce((s, i) => s + (i.population as number), 0);
  const value =
    weight > 0 ? used.reduce((s, i) => s + (i.value as number) * (i.population as number), 0) / weight : null;
  return {
    value,
    numerator: null,
    denominator: null,
    count: used.length,
    estimate: anyEstimate || used.length < inputs.length,
  };
}

/** numerator / denominator × scale, or null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number, scale: number): number | null {
  return denominator > 0 ? (numerator / denominator) * scale : null;
}
