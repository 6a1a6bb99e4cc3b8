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

// The mandatory tests added for issue 14, each with the failing value of the specification's own
// example (CSAF 2.0, section 6.1) put into a valid example document, and the pointer it names.
function failsWith(doc: unknown, test: string, pointer: string) {
  const err = refusal(doc);
  assert.match(err.message, new RegExp(test.replaceAll('.', '\\.')));
  assert.ok(
    err.schemaErrors.some((e) => e.pointer === pointer && e.detail.startsWith(test.split(' ')[0]!)),
    `${test} at ${pointer}: ${JSON.stringify(err.schemaErrors)}`,
  );
}

test('6.1.3 Circular Definition of Product ID through a chain of relationships', () => {
  const doc = load('bsi-2022-0001.json');
  doc.product_tree.relationships = [
    {
      category: 'installed_on',
      full_product_name: { name: 'A on B', product_id: 'CSAFPID-9080700' },
      product_reference: 'CSAFPID-9080701',
      relates_to_product_reference: 'CSAFPID-0001',
    },
    {
      category: 'installed_on',
      full_product_name: { name: 'B on A', product_id: 'CSAFPID-9080701' },
      product_reference: 'CSAFPID-9080700',
      relates_to_product_reference: 'CSAFPID-0002',
    },
  ];
  failsWith(doc, '6.1.3 Circular Definition of Product ID', '/product_tree/relationships/0');
});

test('6.1.8 Invalid CVSS: a CVSS 3.1 object without its mandatory baseSeverity', () => {
  const doc = load('bsi-2022-0001.json');
  delete doc.vulnerabilities[0].scores[0].cvss_v3.baseSeverity;
  failsWith(doc, '6.1.8 Invalid CVSS', '/vulnerabilities/0/scores/0/cvss_v3');
  const v = load('bsi-2022-0001.json');
  v.vulnerabilities[0].scores[0].cvss_v3.version = '3.2';
  failsWith(v, '6.1.8 Invalid CVSS', '/vulnerabilities/0/scores/0/cvss_v3/version');
});

test('6.1.9 Invalid CVSS computation: the base score and severity the vector does not give', () => {
  const doc = load('bsi-2022-0001.json');
  const c = doc.vulnerabilities[0].scores[0].cvss_v3;
  c.baseScore = 10.0;
  c.baseSeverity = 'LOW';
  failsWith(doc, '6.1.9 Invalid CVSS computation', '/vulnerabilities/0/scores/0/cvss_v3/baseScore');
  failsWith(doc, '6.1.9 Invalid CVSS computation', '/vulnerabilities/0/scores/0/cvss_v3/baseSeverity');
  const t = load('bsi-2022-0001.json');
  t.vulnerabilities[0].scores[0].cvss_v3.temporalScore = 6.1; // E:F/RL:O/RC:C computes 5.7
  failsWith(t, '6.1.9 Invalid CVSS computation', '/vulnerabilities/0/scores/0/cvss_v3/temporalScore');
  const ok = load('bsi-2022-0001.json');
  ok.vulnerabilities[0].scores[0].cvss_v3.temporalScore = 5.7;
  assert.doesNotThrow(() => readCsaf(JSON.stringify(ok)));
});

test('6.1.12 Language: "EZ" is no language', () => {
  const doc = load('bsi-2022-0001.json');
  doc.document.lang = 'EZ';
  failsWith(doc, '6.1.12 Language', '/document/lang');
});

test('6.1.15 Translator without source_lang; 6.1.28 Translation into the same language', () => {
  const doc = load('bsi-2022-0001.json');
  doc.document.publisher.category = 'translator';
  delete doc.document.source_lang;
  failsWith(doc, '6.1.15 Translator', '/document/source_lang');
  const same = load('bsi-2022-0001.json');
  same.document.lang = 'en-US';
  same.document.source_lang = 'en-US';
  failsWith(same, '6.1.28 Translation', '/document/source_lang');
});

test('6.1.19 pre-release versions in the revision history; 6.1.20 a final document with one', () => {
  const doc = load('cisco-sa-20180328-smi2.json');
  const t = doc.document.tracking;
  t.revision_history[0].number = '1.0.0-rc.1';
  failsWith(
    doc,
    '6.1.19 Revision History Entries for Pre-release Versions',
    '/document/tracking/revision_history/0/number',
  );
  const fin = load('cisco-sa-20180328-smi2.json');
  const latest = fin.document.tracking.revision_history.at(-1);
  fin.document.tracking.version = `${latest.number}-alpha`;
  latest.number = fin.document.tracking.version;
  failsWith(fin, '6.1.20 Non-draft Document Version', '/document/tracking/version');
});

test('6.1.26 Prohibited Document Category Name', () => {
  const doc = load('bsi-2022-0001.json');
  doc.document.category = 'Security_Incident_Response';
  failsWith(doc, '6.1.26 Prohibited Document Category Name', '/document/category');
  const reserved = load('bsi-2022-0001.json');
  reserved.document.category = 'csaf_mine';
  failsWith(reserved, '6.1.26 Prohibited Document Category Name', '/document/category');
});

test('6.1.30 Mixed Integer and Semantic Versioning', () => {
  const doc = load('bsi-2022-0001.json');
  const t = doc.document.tracking;
  t.revision_history.push({ date: '2022-03-18T13:03:42.105Z', number: '1.1.0', summary: 'semantic' });
  t.version = '2';
  failsWith(
    doc,
    '6.1.30 Mixed Integer and Semantic Versioning',
    '/document/tracking/revision_history/1/number',
  );
});

test('hostile CSAF: deep nesting and a NUL in a CVSS vector are refusals', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 500; i++) deep = [deep];
  const doc = load('bsi-2022-0001.json');
  doc.document.notes = deep;
  assert.equal(refusal(doc).kind, 'too-large');
  const nul = load('bsi-2022-0001.json');
  nul.vulnerabilities[0].scores[0].cvss_v3.vectorString = 'CVSS:3.1/AV:L\u0000';
  assert.match(refusal(nul).message, /6\.1\.8 Invalid CVSS/);
});
