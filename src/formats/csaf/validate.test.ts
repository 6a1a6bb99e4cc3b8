// CSAF 2.0 validation: every example of the specification (../shared/data/csaf, advisories and the
// CSAF VEX profile) is valid; documents broken one way each are refused naming the schema error or
// the failed mandatory test and the JSON pointer.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ImportError } from '../errors.ts';
import { readCsaf } from './index.ts';

const DIR = new URL('../../../../shared/data/csaf/examples/', import.meta.url);
const files = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => new URL(f, DIR)),
  ...readdirSync(new URL('csaf_vex/', DIR))
    .filter((f) => f.endsWith('.json'))
    .map((f) => new URL(`csaf_vex/${f}`, DIR)),
];
// biome-ignore lint/suspicious/noExplicitAny: documents are edited loosely in tests.
const load = (name: string): any => JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));

test('the specification examples are valid CSAF 2.0', () => {
  assert.ok(files.length >= 19);
  for (const f of files) assert.doesNotThrow(() => readCsaf(readFileSync(f)), f.pathname);
});

function refusal(doc: unknown): ImportError {
  try {
    readCsaf(JSON.stringify(doc));
  } catch (err) {
    assert.ok(err instanceof ImportError);
    return err;
  }
  assert.fail('the document was accepted');
}

test('6.1.1 Missing Definition of Product ID, with the JSON pointer', () => {
  const doc = load('csaf_vex/2022-evd-uc-01-na-001.json');
  doc.vulnerabilities[0].product_status.known_not_affected.push('CSAFPID-NOPE');
  const err = refusal(doc);
  assert.match(err.message, /6\.1\.1 Missing Definition of Product ID/);
  const e = err.schemaErrors.find((x) => x.detail.startsWith('6.1.1'))!;
  assert.match(e.pointer, /^\/vulnerabilities\/0\/product_status\/known_not_affected\/\d+$/);
});

test('6.1.2 Multiple Definition of Product ID', () => {
  const doc = load('csaf_vex/2022-evd-uc-01-na-001.json');
  const tree = doc.product_tree;
  tree.full_product_names = [
    ...(tree.full_product_names ?? []),
    { name: 'again', product_id: 'CSAFPID-0001' },
  ];
  assert.match(refusal(doc).message, /6\.1\.2 Multiple Definition of Product ID/);
});

test('6.1.6 Contradicting Product Status', () => {
  const doc = load('csaf_vex/2022-evd-uc-01-na-001.json');
  const v = doc.vulnerabilities[0];
  v.product_status.fixed = [v.product_status.known_not_affected[0]];
  const err = refusal(doc);
  assert.match(err.message, /6\.1\.6 Contradicting Product Status/);
});

test('6.1.27.9 Impact Statement: not affected without a flag or impact threat', () => {
  const doc = load('csaf_vex/2022-evd-uc-01-na-001.json');
  const v = doc.vulnerabilities[0];
  delete v.flags;
  v.threats = (v.threats ?? []).filter((t: { category: string }) => t.category !== 'impact');
  if (v.threats.length === 0) delete v.threats;
  assert.match(refusal(doc).message, /6\.1\.27\.9 Impact Statement/);
});

test('6.1.13 PURL and 6.1.14 Sorted Revision History', () => {
  const doc = load('rhsa-2021_5217.json');
  const h = doc.document.tracking.revision_history;
  if (h.length > 1) [h[0].number, h[1].number] = [h[1].number, h[0].number];
  const first = (function find(
    b: { product?: { product_identification_helper?: unknown }; branches?: unknown[] }[],
  ): {
    product_identification_helper?: { purl?: string };
  } | null {
    for (const x of b) {
      if (x.product) return x.product as { product_identification_helper?: { purl?: string } };
      const r = find((x.branches ?? []) as never);
      if (r) return r;
    }
    return null;
  })(doc.product_tree.branches);
  first!.product_identification_helper = { purl: 'pkg:maven/x' };
  const err = refusal(doc);
  assert.match(err.message, /6\.1\.13 PURL/);
});

test('schema errors are reported with pointers; not CSAF at all is unsupported', () => {
  const doc = load('bsi-2022-0001.json');
  delete doc.document.title;
  const err = refusal(doc);
  assert.equal(err.kind, 'schema');
  assert.ok(err.schemaErrors.some((e) => e.pointer === '/document'));
  assert.equal(refusal({ hello: 1 }).kind, 'unsupported-format');
  assert.equal(refusal({ document: { csaf_version: '2.1' } }).kind, 'unsupported-format');
});
