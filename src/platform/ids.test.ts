import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuidv7 } from './ids.ts';

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('uuidv7: version 7, RFC variant, the millisecond in the first 48 bits', () => {
  const at = Date.UTC(2026, 11, 1, 5, 30);
  const id = uuidv7(at);
  assert.match(id, UUID7);
  assert.equal(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
});

test('uuidv7: strictly increasing within one millisecond and when the clock steps back', () => {
  const at = Date.UTC(2030, 0, 1);
  const ids = [...Array.from({ length: 5000 }, () => uuidv7(at)), uuidv7(at - 1000), uuidv7(at + 10_000)];
  for (const id of ids) assert.match(id, UUID7);
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
});
