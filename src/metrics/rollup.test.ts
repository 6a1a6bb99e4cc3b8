import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rollUp } from './rollup.ts';

test('rates roll up as ratios of sums, not as the mean of the rates', () => {
  // A city of 1,000,000 with 90 % online and a village of 1,000 with 10 % online.
  const city = { value: 90, numerator: 900_000, denominator: 1_000_000, population: 1_000_000 };
  const village = { value: 10, numerator: 100, denominator: 1_000, population: 1_000 };
  const r = rollUp('ratio-of-sums', 100, [city, village]);
  const meanOfRates = (city.value + village.value) / 2;
  assert.equal(meanOfRates, 50);
  assert.equal(r.numerator, 900_100);
  assert.equal(r.denominator, 1_001_000);
  assert.ok(Math.abs((r.value as number) - (900_100 / 1_001_000) * 100) < 1e-9);
  assert.ok(Math.abs((r.value as number) - 89.92) < 0.01, `got ${r.value}`);
  assert.equal(r.estimate, false);
});

test('a child without numerator and denominator is left out and marks the total partial', () => {
  const r = rollUp('ratio-of-sums', 100, [
    { value: 50, numerator: 5, denominator: 10, population: 10 },
    { value: 20, numerator: null, denominator: null, population: 10 },
  ]);
  assert.equal(r.value, 50);
  assert.equal(r.count, 1);
  assert.equal(r.estimate, true);
});

test('population-weighted and sum aggregations', () => {
  const w = rollUp('population-weighted', 1, [
    { value: 100, numerator: null, denominator: null, population: 3 },
    { value: 0, numerator: null, denominator: null, population: 1 },
  ]);
  assert.equal(w.value, 75);
  const s = rollUp('sum', 1, [
    { value: 2, numerator: null, denominator: null, population: null },
    { value: 3, numerator: null, denominator: null, population: null, estimate: true },
  ]);
  assert.deepEqual(s, { value: 5, numerator: null, denominator: null, count: 2, estimate: true });
  assert.equal(rollUp('ratio-of-sums', 100, []).value, null);
});
