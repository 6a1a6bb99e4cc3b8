// The shapes an import accepts: a bundle, a lone object, an array of objects; anything else is
// refused naming the pointer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectsToImport } from './bundle.ts';

const indicator = { type: 'indicator', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' };

test('a bundle gives its objects', () => {
  const r = objectsToImport({ type: 'bundle', id: 'bundle--1', objects: [indicator, indicator] });
  assert.deepEqual(r, { ok: true, objects: [indicator, indicator], shape: 'bundle' });
});

test('a lone STIX object is one object to ingest', () => {
  assert.deepEqual(objectsToImport(indicator), { ok: true, objects: [indicator], shape: 'object' });
});

test('an array is the list of objects, empty or not', () => {
  assert.deepEqual(objectsToImport([indicator]), { ok: true, objects: [indicator], shape: 'array' });
  assert.deepEqual(objectsToImport([]), { ok: true, objects: [], shape: 'array' });
});

test('anything else is refused with the pointer of what is wrong', () => {
  const bad = (v: unknown) => {
    const r = objectsToImport(v);
    assert.equal(r.ok, false, JSON.stringify(v));
    return r.ok ? '' : r.pointer;
  };
  assert.equal(bad({ type: 'bundle', objects: {} }), '/objects');
  assert.equal(bad({ type: 'bundle' }), '/objects');
  assert.equal(bad({ objects: [indicator] }), '/type');
  assert.equal(bad({ type: 7 }), '/type');
  assert.equal(bad({ type: '' }), '/type');
  assert.equal(bad('indicator'), '');
  assert.equal(bad(null), '');
});
