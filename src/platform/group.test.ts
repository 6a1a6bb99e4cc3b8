// The intake's group commit: items arriving while a group is written go together next; a failure
// of one item fails it alone; a group that fails as a whole is retried item by item.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupReader, GroupWriter } from './group.ts';

test('items that arrive during a write form the next group; a lone item goes at once', async () => {
  const groups: number[][] = [];
  const w = new GroupWriter<number>(async (items) => {
    groups.push(items);
    await new Promise((r) => setTimeout(r, 5));
    return items.map(() => undefined);
  }, 3);
  await w.write(0);
  await Promise.all([1, 2, 3, 4, 5, 6].map((i) => w.write(i)));
  assert.deepEqual(groups[0], [0], 'a lone item is written alone, at once');
  assert.deepEqual(groups.flat(), [0, 1, 2, 3, 4, 5, 6], 'every item once, in order');
  assert.ok(
    groups.every((g) => g.length <= 3),
    'no group above its maximum',
  );
  assert.ok(
    groups.some((g) => g.length === 3),
    'items waiting together went in one group',
  );
});

test('an item error fails that item only; a group that throws is retried one by one', async () => {
  const w = new GroupWriter<number>(async (items) => {
    if (items.length > 1 && items.includes(13)) throw new Error('the group failed');
    if (items.includes(13)) throw new Error('13 is bad');
    return items.map((i) => (i === 7 ? new Error('7 is refused') : undefined));
  }, 10);
  const results = await Promise.allSettled([1, 7, 13, 20].map((i) => w.write(i)));
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as Error).message)),
    ['ok', '7 is refused', '13 is bad', 'ok'],
  );
});

test('lookups asked while one runs go together next, each gets its own answer', async () => {
  const groups: string[][] = [];
  const r = new GroupReader<string, number>(async (keys) => {
    groups.push(keys);
    await new Promise((res) => setTimeout(res, 5));
    return keys.map((k) => (k === 'missing' ? undefined : k.length));
  }, 10);
  const answers = await Promise.all(['a', 'bb', 'missing', 'dddd'].map((k) => r.read(k)));
  assert.deepEqual(answers, [1, 2, undefined, 4]);
  assert.deepEqual(groups.flat(), ['a', 'bb', 'missing', 'dddd']);
  assert.ok(groups.length < 4, 'some lookups went together');
});

test('a failed lookup fails its group only; the next group is read', async () => {
  let calls = 0;
  const r = new GroupReader<string, string>(async (keys) => {
    calls++;
    await new Promise((res) => setTimeout(res, 5));
    if (keys.includes('boom')) throw new Error('the lookup failed');
    return keys.map((k) => k.toUpperCase());
  }, 10);
  const first = r.read('a');
  const rest = [r.read('boom'), r.read('b')];
  assert.equal(await first, 'A');
  const settled = await Promise.allSettled(rest);
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    ['the lookup failed', 'the lookup failed'],
  );
  assert.equal(await r.read('c'), 'C', 'the reader goes on after a failed group');
  assert.equal(calls, 3);
});

test('with a concurrency of 2, two groups are written at once and never more', async () => {
  let inFlight = 0;
  let most = 0;
  const written: number[] = [];
  const w = new GroupWriter<number>(
    async (items) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      written.push(...items);
      inFlight--;
      return items.map(() => undefined);
    },
    4,
    { concurrency: 2 },
  );
  await Promise.all(Array.from({ length: 20 }, (_, i) => w.write(i)));
  assert.equal(most, 2);
  assert.deepEqual(
    written.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
    'every item once',
  );
});
