// The sequencer hashes a batch into the tree in slices, letting requests through between them;
// what it stores must be exactly what one append of the whole batch gives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPEND_SLICE, appendInSlices } from './sequencer.ts';
import { type TileData, TreeBuilder } from './tiles.ts';

const entry = (i: number) => Buffer.from(`{"kind":"test","id":"e-${i}","version":1}`);
const byKey = (ts: TileData[]) =>
  new Map(ts.map((t) => [`${t.level}/${t.index}`, `${t.width}:${t.data.toString('base64')}`]));

for (const [start, count] of [
  [0, 1],
  [0, APPEND_SLICE],
  [100, 4096],
  [255, APPEND_SLICE * 3 + 7],
  [65_530, 1000],
] as const) {
  test(`slices of ${APPEND_SLICE} store what one append stores (${count} entries onto ${start})`, async () => {
    const whole = new TreeBuilder();
    const sliced = new TreeBuilder();
    const before = Array.from({ length: start }, (_, i) => entry(i));
    whole.append(before);
    sliced.append(before);
    const batch = Array.from({ length: count }, (_, i) => entry(start + i));
    const once = whole.append(batch);
    const inSlices = await appendInSlices(sliced, batch);
    assert.deepEqual(byKey(inSlices.tiles), byKey(once.tiles));
    assert.deepEqual(byKey(inSlices.bundles), byKey(once.bundles));
    assert.equal(inSlices.tiles.length, once.tiles.length, 'each tile once');
    assert.equal(sliced.size, whole.size);
    assert.ok(sliced.root().equals(whole.root()));
  });
}
