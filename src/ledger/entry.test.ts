import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildEntry, canonicalJson, entryCommitsTo, parseEntry } from './entry.ts';

test('the written-out entry JSON is exactly RFC 8785 (canonicalize) for awkward ids and names', () => {
  const ids = [
    'x',
    'with "quotes" and \\ backslash',
    'ünïcödé ☃ 𝄞',
    'tab\tnew\nline\u0001',
    '\u2028\u2029',
    'a'.repeat(200),
  ];
  for (const id of ids) {
    for (const version of [0, 1, 42, Number.MAX_SAFE_INTEGER]) {
      const { entry, fields, salt } = buildEntry({
        kind: 'exposure.v2',
        id,
        version,
        org: `org ${id.slice(0, 10)}`,
        record: { id, n: version, nested: { b: 1, a: [2, 'x'] } },
        at: new Date('2026-11-30T12:34:56.789Z'),
      });
      assert.equal(entry.toString('utf8'), canonicalJson(fields));
      assert.deepEqual(parseEntry(entry), fields);
      assert.ok(entryCommitsTo(entry, salt, { id, n: version, nested: { a: [2, 'x'], b: 1 } }));
    }
  }
});

test('every entry gets its own 32-byte salt', () => {
  const salts = new Set<string>();
  for (let i = 0; i < 600; i++) {
    const { salt } = buildEntry({ kind: 'k', id: `i${i}`, version: 1, org: 'o', record: {} });
    assert.equal(salt.length, 32);
    salts.add(salt.toString('hex'));
  }
  assert.equal(salts.size, 600);
});
