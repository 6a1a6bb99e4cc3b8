import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from './random.ts';

test('the same seed gives the same sequence, another seed another one', () => {
  const take = (r: () => number) => Array.from({ length: 5 }, r);
  assert.deepEqual(take(seededRandom(42)), take(seededRandom(42)));
  assert.notDeepEqual(take(seededRandom(42)), take(seededRandom(43)));
});

test('mulberry32 reference values for seed 1 (the sequence the demo data and tests were built on)', () => {
  const r = seededRandom(1);
  const first = Array.from({ length: 3 }, () => Math.floor(r() * 4294967296));
  assert.deepEqual(first, [2693262067, 11749833, 2265367787]);
});

test('values fall in [0, 1) and spread over the interval', () => {
  const r = seededRandom(7);
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 10_000; i++) {
    const x = r();
    assert.ok(x >= 0 && x < 1);
    buckets[Math.floor(x * 10)]++;
  }
  for (const b of buckets) assert.ok(b > 800 && b < 1200, `bucket ${b}`);
});
