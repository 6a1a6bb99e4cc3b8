import assert from 'node:assert/strict';
import { test } from 'node:test';
import canonicalize from 'canonicalize';
import {
  buildEntry,
  canonicalJson,
  entryCommitsTo,
  LedgerEntryError,
  metadataDigest,
  metadataOf,
  parseEntry,
} from './entry.ts';

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
      const { entry, fields, metadata, salt } = buildEntry({
        kind: 'exposure.v2',
        id,
        version,
        org: `org ${id.slice(0, 10)}`,
        record: { id, n: version, nested: { b: 1, a: [2, 'x'] } },
        at: new Date('2026-11-30T12:34:56.789Z'),
      });
      assert.equal(metadata.toString('utf8'), canonicalJson(fields));
      assert.equal(entry.toString('utf8'), canonicalJson({ v: 2, c: metadataDigest(salt, metadata) }));
      assert.deepEqual(parseEntry(entry), { c: metadataDigest(salt, metadata), v: 2 });
      assert.deepEqual(metadataOf(entry, salt, metadata), fields);
      assert.ok(entryCommitsTo(entry, salt, { id, n: version, nested: { a: [2, 'x'], b: 1 } }, metadata));
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

test('an opaque entry reveals nothing of its metadata, and its metadata must be what it commits to', () => {
  const input = {
    kind: 'incident',
    id: 'inc-42',
    version: 3,
    org: 'org-ministry',
    record: { phone: '+15550100' },
  };
  const { entry, metadata, salt } = buildEntry(input);
  for (const s of ['incident', 'inc-42', 'org-ministry', '15550100', '"version"', '"at"'])
    assert.equal(entry.toString('utf8').includes(s), false, s);
  const other = buildEntry({ ...input, version: 4 }, salt).metadata;
  assert.throws(() => metadataOf(entry, salt, other), LedgerEntryError);
  assert.throws(() => metadataOf(entry, Buffer.alloc(32), metadata), LedgerEntryError);
  assert.throws(() => metadataOf(entry, salt, null), LedgerEntryError);
  assert.equal(entryCommitsTo(entry, salt, input.record, other), false);
});

test('entries appended before issue 8 (v1, metadata in the clear) still parse', () => {
  const v1 = Buffer.from(
    canonicalJson({
      at: '2026-11-23T12:00:00.000Z',
      commitment: 'x',
      id: 'i',
      kind: 'k',
      org: 'o',
      v: 1,
      version: 1,
    }),
  );
  assert.equal(parseEntry(v1).v, 1);
  assert.equal(metadataOf(v1, Buffer.alloc(32), null).org, 'o');
  assert.throws(() => parseEntry(Buffer.from('{"c":"x","extra":1,"v":2}')), LedgerEntryError);
  assert.throws(() => parseEntry(Buffer.from('{"v":2, "c":"x"}')), LedgerEntryError);
});

test("the browser's metadata check (web/index.ts) agrees with the server's, for v2 and v1 entries", async () => {
  const { entryCommitsToMetadata } = await import('./web/index.ts');
  const { entry, fields, salt } = buildEntry({
    kind: 'asset',
    id: 'a "quoted" ☃',
    version: 7,
    org: 'o-1',
    record: { x: 1 },
  });
  const b64 = salt.toString('base64');
  assert.equal(await entryCommitsToMetadata(entry.toString('utf8'), b64, fields), true);
  assert.equal(await entryCommitsToMetadata(entry.toString('utf8'), b64, { ...fields, org: 'o-2' }), false);
  assert.equal(
    await entryCommitsToMetadata(entry.toString('utf8'), Buffer.alloc(32).toString('base64'), fields),
    false,
  );
  const v1 = canonicalJson({ ...fields, v: 1 });
  assert.equal(await entryCommitsToMetadata(v1, b64, fields), true);
  assert.equal(await entryCommitsToMetadata(v1, b64, { ...fields, version: 8 }), false);
});

test('canonicalJson of flat records (the one-pass path) is exactly what canonicalize gives', () => {
  const strings = [
    '',
    'x',
    'with "quotes" and \\ backslash',
    'tab\tnew\nline\u0001\u007f',
    '\u2028\u2029',
    'ünïcödé ☃',
  ];
  const numbers = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789.125, Number.MAX_SAFE_INTEGER, 5e-324];
  const keys = ['b', 'a', 'B', 'é', '10', '2', '', 'ü', '\u0001', 'a b', '€'];
  const records: Record<string, unknown>[] = [{}];
  for (const [i, k] of keys.entries()) {
    const r: Record<string, unknown> = {};
    for (const [j, k2] of keys.entries()) {
      const n = (i * 7 + j) % 6;
      r[k2] =
        n === 0
          ? strings[j % strings.length]
          : n === 1
            ? numbers[j % numbers.length]
            : n === 2
              ? j % 2 === 0
              : n === 3
                ? null
                : n === 4
                  ? undefined
                  : `${k}${k2}`;
    }
    records.push(r);
  }
  // Shapes that take the general path must still come out as canonicalize writes them.
  records.push(
    { a: '𝄞', b: 1 },
    { '𝄞': 1 },
    { a: { z: 1, y: [1, 'x'] } },
    { a: new Date('2026-11-30T00:00:00.000Z') },
    { toJSON: () => ({ b: 1, a: 2 }) },
  );
  for (const r of records) assert.equal(canonicalJson(r), canonicalize(r), JSON.stringify(r));
  assert.equal(canonicalJson({ b: 1, a: 'x', c: undefined }), '{"a":"x","b":1}');
  // What JSON cannot represent is refused on either path.
  assert.throws(() => canonicalJson({ a: Number.NaN }));
  assert.throws(() => canonicalJson({ a: Number.POSITIVE_INFINITY }));
  assert.throws(() => canonicalJson({ a: '\uD800' }));
});
