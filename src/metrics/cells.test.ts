import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextGathering } from './cells.ts';

test('a quick rebuild keeps the short gathering; a slow one doubles into the next, up to the bound', () => {
  assert.equal(nextGathering(20, 250, 3), 20);
  assert.equal(nextGathering(20, 250, 10), 20);
  assert.equal(nextGathering(20, 250, 40), 80);
  assert.equal(nextGathering(20, 250, 125), 250);
  assert.equal(nextGathering(20, 250, 4000), 250);
});
