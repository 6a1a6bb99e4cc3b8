// CSAF 2.0 validation: a document is valid only when it passes the JSON schema (OASIS, draft
// 2020-12, with the FIRST CVSS schemas it references) AND the specification's mandatory tests
// (CSAF 2.0 section 6.1). Each failed test is reported with its number and name as the
// specification spells them ("6.1.1 Missing Definition of Product ID") and the JSON pointer
// (RFC 6901) of the offending value. Pure: bytes in, problems out. Which tests are implemented
// is listed in MANDATORY_TESTS (and in docs/exposures.md).
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import cvssLibrary from 'ae-cvss-calculator';
import { PackageURL } from 'packageurl-js';
import {
  assertJsonDepth,
  ImportError,
  parseJsonInput,
  type SchemaErrorDetail,
  toSchemaErrors,
} from '../index.ts';

// ae-cvss-calculator ships a UMD bundle; under Node's ESM the default import is its exports.
const { Cvss2, Cvss3P0, Cvss3P1 } = cvssLibrary;

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

/** A CSAF document is small; vendors' largest advisories are a few megabytes. */
export const MAX_CSAF_BYTES = 20 * 1024 * 1024;

/** The mandatory tests of CSAF 2.0 section 6.1 this validator runs. */
export const MANDATORY_TESTS = {
  '6.1.1': 'Missing Definition of Product ID',
  '6.1.2': 'Multiple Definition of Product ID',
  '6.1.3': 'Circular Definition of Product ID',
  '6.1.4': 'Missing Definition of Product Group ID',
  '6.1.5': 'Multiple Definition of Product Group ID',
  '6.1.6': 'Contradicting Product Status',
  '6.1.7': 'Multiple Scores with same Version per Product',
  '6.1.8': 'Invalid CVSS',
  '6.1.9': 'Invalid CVSS computation',
  '6.1.10': 'Inconsistent CVSS',
  '6.1.11': 'CWE',
  '6.1.12': 'Language',
  '6.1.13': 'PURL',
  '6.1.14': 'Sorted Revision History',
  '6.1.15': 'Translator',
  '6.1.16': 'Latest Document Version',
  '6.1.17': 'Document Status Draft',
  '6.1.18': 'Released Revision History',
  '6.1.19': 'Revision History Entries for Pre-release Versions',
  '6.1.20': 'Non-draft Document Version',
  '6.1.21': 'Missing Item in Revision History',
  '6.1.22': 'Multiple Definition in Revision History',
  '6.1.23': 'Multiple Use of Same CVE',
  '6.1.24': 'Multiple Definition in Involvements',
  '6.1.25': 'Multiple Use of Same Hash Algorithm',
  '6.1.26': 'Prohibited Document Category Name',
  '6.1.27.1': 'Document Notes',
  '6.1.27.2': 'Document References',
  '6.1.27.3': 'Vulnerabilities',
  '6.1.27.4': 'Product Tree',
  '6.1.27.5': 'Vulnerability Notes',
  '6.1.27.6': 'Product Status',
  '6.1.27.7': 'VEX Product Status',
  '6.1.27.8': 'Vulnerability ID',
  '6.1.27.9': 'Impact Statement',
  '6.1.27.10': 'Action Statement',
  '6.1.27.11': 'Vulnerabilities',
  '6.1.28': 'Translation',
  '6.1.29': 'Remediation without Product Reference',
  '6.1.30': 'Mixed Integer and Semantic Versioning',
  '6.1.31': 'Version Range in Product Version',
  '6.1.32': 'Flag without Product Reference',
  '6.1.33': 'Multiple Flags with VEX Justification Codes per Product',
} as const;
export type MandatoryTest = keyof typeof MANDATORY_TESTS;

export interface CsafProblem extends SchemaErrorDetail {
  /** The mandatory test that failed ("6.1.1"), absent for a JSON-schema error. */
  test?: MandatoryTest;
}

let validator: ValidateFunction | undefined;
let cvssAjv: Ajv2020 | undefined;

function schemaValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  cvssAjv = ajv;
  addFormats(ajv);
  const read = (f: string) =>
    JSON.parse(readFileSync(new URL(`./schemas/${f}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  for (const v of ['2.0', '3.0', '3.1']) {
    // The FIRST schemas are draft-07 with a dated $id; CSAF refers to them without the date.
    const s = read(`cvss-v${v}.json`);
    delete s.$schema;
    delete s.$id;
    delete s.id;
    ajv.addSchema(s, `https://www.first.org/cvss/cvss-v${v}.json`);
  }
  validator = ajv.compile(read('csaf_json_schema.json'));
  return validator;
}

// biome-ignore lint/suspicious/noExplicitAny: a schema-valid CSAF document is walked loosely.
type Json = any;

const STATUS_GROUPS = {
  affected: ['first_affected', 'known_affected', 'last_affected'],
  notAffected: ['known_not_affected'],
  fixed: ['first_fixed', 'fixed'],
  underInvestigation: ['under_investigation'],
} as const;
const ALL_STATUSES = Object.values(STATUS_GROUPS).flat();

/** Every product defined in the tree: id → pointer of its definition(s) and the product itself. */
export interface ProductDefinition {
  id: string;
  name: string;
  pointer: string;
  helper: Json;
}

export function productDefinitions(doc: Json): ProductDefinition[] {
  const out: ProductDefinition[] = [];
  const tree = doc.product_tree;
  if (!tree) return out;
  const add = (p: Json, pointer: string) => {
    if (p?.product_id)
      out.push({ id: p.product_id, name: p.name ?? '', pointer, helper: p.product_identification_helper });
  };
  const walk = (branches: Json[], at: string) =>
    branches.forEach((b, i) => {
      if (b.product) add(b.product, `${at}/${i}/product`);
      if (Array.isArray(b.branches)) walk(b.branches, `${at}/${i}/branches`);
    });
  if (Array.isArray(tree.branches)) walk(tree.branches, '/product_tree/branches');
  (tree.full_product_names ?? []).forEach((p: Json, i: number) => {
    add(p, `/product_tree/full_product_names/${i}`);
  });
  (tree.relationships ?? []).forEach((r: Json, i: number) => {
    add(r.full_product_name, `/product_tree/relationships/${i}/full_product_name`);
  });
  return out;
}

/** Every place a product id is referenced, with its pointer. */
function productReferences(doc: Json): { id: string; pointer: string }[] {
  const refs: { id: string; pointer: string }[] = [];
  const list = (ids: Json, at: string) => {
    if (Array.isArray(ids))
      ids.forEach((id: string, i: number) => {
        refs.push({ id, pointer: `${at}/${i}` });
      });
  };
  const tree = doc.product_tree ?? {};
  (tree.product_groups ?? []).forEach((g: Json, i: number) => {
    list(g.product_ids, `/product_tree/product_groups/${i}/product_ids`);
  });
  (tree.relationships ?? []).forEach((r: Json, i: number) => {
    refs.push({ id: r.product_reference, pointer: `/product_tree/relationships/${i}/product_reference` });
    refs.push({
      id: r.relates_to_product_reference,
      pointer: `/product_tree/relationships/${i}/relates_to_product_reference`,
    });
  });
  (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
    const at = `/vulnerabilities/${i}`;
    for (const s of ALL_STATUSES) list(v.product_status?.[s], `${at}/product_status/${s}`);
    (v.remediations ?? []).forEach((r: Json, j: number) => {
      list(r.product_ids, `${at}/remediations/${j}/product_ids`);
    });
    (v.scores ?? []).forEach((r: Json, j: number) => {
      list(r.products, `${at}/scores/${j}/products`);
    });
    (v.threats ?? []).forEach((r: Json, j: number) => {
      list(r.product_ids, `${at}/threats/${j}/product_ids`);
    });
    (v.flags ?? []).forEach((r: Json, j: number) => {
      list(r.product_ids, `${at}/flags/${j}/product_ids`);
    });
  });
  return refs;
}

function groupReferences(doc: Json): { id: string; pointer: string }[] {
  const refs: { id: string; pointer: string }[] = [];
  (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
    for (const kind of ['remediations', 'threats', 'flags'])
      (v[kind] ?? []).forEach((r: Json, j: number) => {
        (r.group_ids ?? []).forEach((g: string, k: number) => {
          refs.push({ id: g, pointer: `/vulnerabilities/${i}/${kind}/${j}/group_ids/${k}` });
        });
      });
  });
  return refs;
}

/** Version numbers of the document: integer versioning or semantic versioning, compared as such. */
function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  const core = (v: string) => v.split(/[-+]/)[0]!.split('.').map(Number);
  const [x, y] = [core(a), core(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  const pre = (v: string) => (v.split('+')[0]!.includes('-') ? 0 : 1);
  return pre(a) - pre(b);
}

const isPreRelease = (v: string) => /^\d+\.\d+\.\d+-/.test(v) || /^0$/.test(v);

const CVSS_SCHEMA: Record<string, Record<string, string>> = {
  cvss_v2: { '2.0': 'https://www.first.org/cvss/cvss-v2.0.json' },
  cvss_v3: {
    '3.0': 'https://www.first.org/cvss/cvss-v3.0.json',
    '3.1': 'https://www.first.org/cvss/cvss-v3.1.json',
  },
};

/** Every CVSS object of the document with its pointer (loosely: the document may be schema-invalid). */
function cvssObjects(doc: Json): { key: 'cvss_v2' | 'cvss_v3'; c: Json; pointer: string }[] {
  const out: { key: 'cvss_v2' | 'cvss_v3'; c: Json; pointer: string }[] = [];
  const vulns = Array.isArray(doc?.vulnerabilities) ? doc.vulnerabilities : [];
  vulns.forEach((v: Json, i: number) => {
    (Array.isArray(v?.scores) ? v.scores : []).forEach((sc: Json, j: number) => {
      for (const key of ['cvss_v2', 'cvss_v3'] as const)
        if (sc?.[key] !== undefined)
          out.push({ key, c: sc[key], pointer: `/vulnerabilities/${i}/scores/${j}/${key}` });
    });
  });
  return out;
}

/**
 * 6.1.8 Invalid CVSS: each CVSS object is valid against the FIRST schema of its own version
 * (cvss_v2: 2.0; cvss_v3: 3.0 or 3.1, chosen by its `version`).
 */
export function invalidCvssProblems(doc: Json): CsafProblem[] {
  schemaValidator();
  const out: CsafProblem[] = [];
  for (const { key, c, pointer } of cvssObjects(doc)) {
    const id = CVSS_SCHEMA[key]![String(c?.version)];
    if (!id) {
      out.push({
        test: '6.1.8',
        pointer: `${pointer}/version`,
        detail: `6.1.8 Invalid CVSS: ${key} version ${JSON.stringify(c?.version)} is not one of ${Object.keys(CVSS_SCHEMA[key]!).join(', ')}`,
      });
      continue;
    }
    const check = cvssAjv!.getSchema(id)!;
    if (check(c)) continue;
    for (const e of toSchemaErrors(check.errors).slice(0, 20))
      out.push({
        test: '6.1.8',
        pointer: `${pointer}${e.pointer}`,
        detail: `6.1.8 Invalid CVSS: ${e.detail}`,
      });
  }
  return out;
}

const SEVERITY_KEYS = [
  ['baseScore', 'base'],
  ['temporalScore', 'temporal'],
  ['environmentalScore', 'environmental'],
] as const;

/** 6.1.9 Invalid CVSS computation: the scores and severities given are those the vector computes. */
function cvssComputationProblems(doc: Json, fail: (t: MandatoryTest, p: string, d: string) => void): void {
  for (const { key, c, pointer } of cvssObjects(doc)) {
    if (typeof c?.vectorString !== 'string') continue;
    let computed: Json;
    try {
      const calc =
        key === 'cvss_v2'
          ? new Cvss2(c.vectorString)
          : c.version === '3.0'
            ? new Cvss3P0(c.vectorString)
            : new Cvss3P1(c.vectorString);
      computed = calc.createJsonSchema();
    } catch {
      continue; // a vector that cannot be read is 6.1.8's (the schema's pattern) to report
    }
    for (const [prop] of SEVERITY_KEYS) {
      const given = c[prop];
      const want = computed[prop];
      if (typeof given === 'number' && typeof want === 'number' && Math.abs(given - want) > 1e-9)
        fail(
          '6.1.9',
          `${pointer}/${prop}`,
          `${prop} ${given} is not ${want}, which ${c.vectorString} computes`,
        );
      const sevProp = prop.replace('Score', 'Severity');
      if (
        key === 'cvss_v3' &&
        typeof c[sevProp] === 'string' &&
        typeof computed[sevProp] === 'string' &&
        c[sevProp] !== computed[sevProp]
      )
        fail(
          '6.1.9',
          `${pointer}/${sevProp}`,
          `${sevProp} ${c[sevProp]} is not ${computed[sevProp]}, which ${c.vectorString} computes`,
        );
    }
  }
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** 6.1.12: a BCP 47 tag whose primary language exists (ICU knows its name); "EZ" does not. */
function languageProblem(tag: string): string | null {
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0]!;
  } catch {
    return `${JSON.stringify(tag)} is not a BCP 47 language tag`;
  }
  const primary = canonical.split('-')[0]!;
  let name: string | undefined;
  try {
    name = languageNames.of(primary);
  } catch {
    name = undefined;
  }
  return name ? null : `the language ${JSON.stringify(primary)} of ${JSON.stringify(tag)} does not exist`;
}

// 6.1.26: the names and titles of the profiles other than CSAF Base, compared without case, dashes,
// whitespace and underscores; and the values the profiles define for the reserved prefix csaf_.
const PROFILE_NAMES = [
  'security_incident_response',
  'informational_advisory',
  'security_advisory',
  'vex',
  'Security incident response',
  'Informational Advisory',
  'Security Advisory',
  'Vulnerability Exploitability eXchange',
].map((x) => x.toLowerCase().replace(/[-\s_]/g, ''));
const DEFINED_CATEGORIES = [
  'csaf_base',
  'csaf_security_incident_response',
  'csaf_informational_advisory',
  'csaf_security_advisory',
  'csaf_vex',
];

/** 6.1.3 through chains: relationships whose product is defined, directly or not, in terms of itself. */
function circularRelationships(doc: Json, fail: (t: MandatoryTest, p: string, d: string) => void): void {
  const rels: Json[] = doc.product_tree?.relationships ?? [];
  const uses = new Map<string, string[]>();
  for (const r of rels) {
    const id = r.full_product_name?.product_id;
    if (id) uses.set(id, [...(uses.get(id) ?? []), r.product_reference, r.relates_to_product_reference]);
  }
  rels.forEach((r: Json, i: number) => {
    const id = r.full_product_name?.product_id;
    if (!id || r.product_reference === id || r.relates_to_product_reference === id) return; // reported directly
    const seen = new Set<string>();
    const stack = [r.product_reference, r.relates_to_product_reference];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (next === id) {
        fail(
          '6.1.3',
          `/product_tree/relationships/${i}`,
          `${id} is defined in terms of itself through other relationships`,
        );
        return;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(uses.get(next) ?? []));
    }
  });
}

/** Runs the implemented mandatory tests on a schema-valid document. */
export function mandatoryTestProblems(doc: Json): CsafProblem[] {
  const out: CsafProblem[] = [];
  const fail = (test: MandatoryTest, pointer: string, detail: string) =>
    out.push({ test, pointer, detail: `${test} ${MANDATORY_TESTS[test]}: ${detail}` });
  const defs = productDefinitions(doc);
  const defined = new Map<string, ProductDefinition>();
  for (const d of defs) {
    if (defined.has(d.id))
      fail('6.1.2', d.pointer, `product id ${d.id} is already defined at ${defined.get(d.id)!.pointer}`);
    else defined.set(d.id, d);
  }
  for (const r of productReferences(doc))
    if (!defined.has(r.id)) fail('6.1.1', r.pointer, `product id ${r.id} is referenced but never defined`);
  (doc.product_tree?.relationships ?? []).forEach((r: Json, i: number) => {
    const id = r.full_product_name?.product_id;
    if (id && (r.product_reference === id || r.relates_to_product_reference === id))
      fail('6.1.3', `/product_tree/relationships/${i}`, `relationship defines ${id} in terms of itself`);
  });
  circularRelationships(doc, fail);
  cvssComputationProblems(doc, fail);
  const groups = new Map<string, string>();
  (doc.product_tree?.product_groups ?? []).forEach((g: Json, i: number) => {
    const at = `/product_tree/product_groups/${i}/group_id`;
    if (groups.has(g.group_id))
      fail('6.1.5', at, `group id ${g.group_id} is already defined at ${groups.get(g.group_id)}`);
    else groups.set(g.group_id, at);
  });
  for (const r of groupReferences(doc))
    if (!groups.has(r.id))
      fail('6.1.4', r.pointer, `product group id ${r.id} is referenced but never defined`);

  const cves = new Map<string, number>();
  (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
    const at = `/vulnerabilities/${i}`;
    // 6.1.6: a product in more than one status group (affected, not affected, fixed, under investigation).
    const groupOf = new Map<string, string>();
    for (const [group, statuses] of Object.entries(STATUS_GROUPS))
      for (const s of statuses)
        (v.product_status?.[s] ?? []).forEach((id: string, j: number) => {
          const prev = groupOf.get(id);
          if (prev && prev !== group)
            fail('6.1.6', `${at}/product_status/${s}/${j}`, `product ${id} is both ${prev} and ${group}`);
          else groupOf.set(id, group);
        });
    // 6.1.7: one score per CVSS version and product.
    const scored = new Set<string>();
    (v.scores ?? []).forEach((sc: Json, j: number) => {
      for (const key of ['cvss_v2', 'cvss_v3']) {
        const c = sc[key];
        if (!c) continue;
        for (const [k, p] of (sc.products ?? []).entries()) {
          const tag = `${p}\u0000${c.version}`;
          if (scored.has(tag))
            fail(
              '6.1.7',
              `${at}/scores/${j}/products/${k}`,
              `product ${p} has a second CVSS ${c.version} score`,
            );
          scored.add(tag);
        }
        // 6.1.10: the vector and the given base metrics agree.
        if (typeof c.vectorString === 'string') {
          const parts = new Map(
            c.vectorString.split('/').map((x: string) => x.split(':') as [string, string]),
          );
          const names: Record<string, [string, Record<string, string>]> = {
            attackVector: ['AV', { NETWORK: 'N', ADJACENT_NETWORK: 'A', LOCAL: 'L', PHYSICAL: 'P' }],
            attackComplexity: ['AC', { LOW: 'L', HIGH: 'H' }],
            privilegesRequired: ['PR', { NONE: 'N', LOW: 'L', HIGH: 'H' }],
            userInteraction: ['UI', { NONE: 'N', REQUIRED: 'R' }],
            scope: ['S', { UNCHANGED: 'U', CHANGED: 'C' }],
            confidentialityImpact: ['C', { NONE: 'N', LOW: 'L', HIGH: 'H' }],
            integrityImpact: ['I', { NONE: 'N', LOW: 'L', HIGH: 'H' }],
            availabilityImpact: ['A', { NONE: 'N', LOW: 'L', HIGH: 'H' }],
          };
          if (key === 'cvss_v3')
            for (const [prop, [abbr, map]] of Object.entries(names))
              if (c[prop] !== undefined && parts.get(abbr) !== map[c[prop]])
                fail(
                  '6.1.10',
                  `${at}/scores/${j}/${key}/${prop}`,
                  `${prop} ${c[prop]} contradicts the vector ${c.vectorString}`,
                );
        }
      }
    });
    if (v.cve) {
      if (cves.has(v.cve))
        fail('6.1.23', `${at}/cve`, `${v.cve} is also used by /vulnerabilities/${cves.get(v.cve)}`);
      else cves.set(v.cve, i);
    }
    if (v.cwe && !/^CWE-[1-9]\d{0,5}$/.test(v.cwe.id ?? ''))
      fail('6.1.11', `${at}/cwe/id`, `${v.cwe.id} is not a CWE id`);
    const involved = new Set<string>();
    (v.involvements ?? []).forEach((x: Json, j: number) => {
      const k = `${x.party}\u0000${x.date ?? ''}`;
      if (involved.has(k))
        fail('6.1.24', `${at}/involvements/${j}`, `party ${x.party} appears twice with the same date`);
      involved.add(k);
    });
    (v.remediations ?? []).forEach((r: Json, j: number) => {
      if (!r.product_ids?.length && !r.group_ids?.length)
        fail('6.1.29', `${at}/remediations/${j}`, 'the remediation names no product and no product group');
    });
    const flagged = new Map<string, string>();
    (v.flags ?? []).forEach((f: Json, j: number) => {
      if (!f.product_ids?.length && !f.group_ids?.length)
        fail('6.1.32', `${at}/flags/${j}`, 'the flag names no product and no product group');
      for (const p of f.product_ids ?? []) {
        if (flagged.has(p))
          fail('6.1.33', `${at}/flags/${j}`, `product ${p} already has the justification ${flagged.get(p)}`);
        flagged.set(p, f.label);
      }
    });
  });

  // Products: purl syntax (6.1.13), hash algorithms (6.1.25), version ranges in product_version (6.1.31).
  const walkBranches = (branches: Json[], at: string) =>
    branches.forEach((b, i) => {
      if (
        b.category === 'product_version' &&
        /(^|\s)(<|<=|>|>=|after|all|before|earlier|later|prior|versions)(\s|$)/i.test(b.name)
      )
        fail('6.1.31', `${at}/${i}/name`, `"${b.name}" is a version range; use product_version_range`);
      if (Array.isArray(b.branches)) walkBranches(b.branches, `${at}/${i}/branches`);
    });
  if (Array.isArray(doc.product_tree?.branches))
    walkBranches(doc.product_tree.branches, '/product_tree/branches');
  for (const d of defs) {
    const purl = d.helper?.purl;
    if (typeof purl === 'string') {
      try {
        PackageURL.fromString(purl);
      } catch (err) {
        fail(
          '6.1.13',
          `${d.pointer}/product_identification_helper/purl`,
          `invalid purl ${purl}: ${(err as Error).message}`,
        );
      }
    }
    (d.helper?.hashes ?? []).forEach((h: Json, i: number) => {
      const algs = new Set<string>();
      (h.file_hashes ?? []).forEach((f: Json, j: number) => {
        if (algs.has(f.algorithm))
          fail(
            '6.1.25',
            `${d.pointer}/product_identification_helper/hashes/${i}/file_hashes/${j}`,
            `${f.algorithm} is used twice for one file`,
          );
        algs.add(f.algorithm);
      });
    });
  }

  // Revision history and document status (6.1.14, 6.1.16, 6.1.17, 6.1.18, 6.1.21, 6.1.22).
  const tracking = doc.document?.tracking;
  if (tracking) {
    const history: Json[] = tracking.revision_history ?? [];
    const numbers = history.map((r) => String(r.number));
    const byDate = [...history].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
    byDate.forEach((r, k) => {
      if (k > 0 && compareVersions(String(byDate[k - 1].number), String(r.number)) > 0)
        fail(
          '6.1.14',
          '/document/tracking/revision_history',
          'ordered by date, the version numbers do not ascend',
        );
    });
    const seen = new Map<string, number>();
    numbers.forEach((n, i) => {
      if (seen.has(n))
        fail('6.1.22', `/document/tracking/revision_history/${i}/number`, `version ${n} appears twice`);
      seen.set(n, i);
    });
    const latest = [...numbers].sort(compareVersions).at(-1);
    const version = String(tracking.version);
    if (
      latest !== undefined &&
      compareVersions(latest, version.split('+')[0]!) !== 0 &&
      latest.split('+')[0] !== version.split('+')[0]
    )
      fail(
        '6.1.16',
        '/document/tracking/version',
        `the document version ${version} is not the latest revision ${latest}`,
      );
    if (tracking.status === 'draft' || tracking.status === undefined) {
      // 6.1.17: a draft's version is 0, 0.y.z or a pre-release.
    } else if (isPreRelease(version))
      fail(
        '6.1.17',
        '/document/tracking/status',
        `status ${tracking.status} with the pre-release version ${version}`,
      );
    if (tracking.status !== 'draft')
      history.forEach((r, i) => {
        if (String(r.number) === '0' || /^0\./.test(String(r.number)))
          fail(
            '6.1.18',
            `/document/tracking/revision_history/${i}/number`,
            `a ${tracking.status} document lists the draft version ${r.number}`,
          );
      });
    if (numbers.every((n) => /^\d+$/.test(n))) {
      const ints = numbers.map(Number).sort((a, b) => a - b);
      ints.forEach((n, k) => {
        if (k === 0 ? n > 1 : n - ints[k - 1]! > 1)
          fail(
            '6.1.21',
            '/document/tracking/revision_history',
            `version ${k === 0 ? 1 : ints[k - 1]! + 1} is missing`,
          );
      });
    }
  }

  // Versioning (6.1.19, 6.1.20, 6.1.30), languages (6.1.12, 6.1.15, 6.1.28), category (6.1.26).
  if (tracking) {
    const history: Json[] = tracking.revision_history ?? [];
    const isInteger = (v: string) => /^\d+$/.test(v);
    const version = String(tracking.version);
    history.forEach((r, i) => {
      const n = String(r.number);
      if (!isInteger(n) && n.split('+')[0]!.includes('-'))
        fail('6.1.19', `/document/tracking/revision_history/${i}/number`, `${n} is a pre-release version`);
      if (isInteger(n) !== isInteger(version))
        fail(
          '6.1.30',
          `/document/tracking/revision_history/${i}/number`,
          `${n} uses ${isInteger(n) ? 'integer' : 'semantic'} versioning, the document version ${version} the other`,
        );
    });
    if (
      (tracking.status === 'final' || tracking.status === 'interim') &&
      !isInteger(version) &&
      version.split('+')[0]!.includes('-')
    )
      fail(
        '6.1.20',
        '/document/tracking/version',
        `a ${tracking.status} document has the pre-release version ${version}`,
      );
  }
  for (const key of ['lang', 'source_lang']) {
    const tag = doc.document?.[key];
    if (typeof tag !== 'string') continue;
    const problem = languageProblem(tag);
    if (problem) fail('6.1.12', `/document/${key}`, problem);
  }
  if (doc.document?.publisher?.category === 'translator' && doc.document?.source_lang === undefined)
    fail('6.1.15', '/document/source_lang', 'a translator publishes a translation, which needs source_lang');
  if (
    typeof doc.document?.lang === 'string' &&
    typeof doc.document?.source_lang === 'string' &&
    doc.document.lang.toLowerCase() === doc.document.source_lang.toLowerCase()
  )
    fail(
      '6.1.28',
      '/document/source_lang',
      `the source language and the document language are both ${doc.document.lang}`,
    );
  const categoryName = doc.document?.category;
  if (typeof categoryName === 'string' && !DEFINED_CATEGORIES.includes(categoryName)) {
    if (/^csaf_/i.test(categoryName))
      fail('6.1.26', '/document/category', `${categoryName} uses the reserved prefix csaf_`);
    else if (PROFILE_NAMES.includes(categoryName.toLowerCase().replace(/[-\s_]/g, '')))
      fail('6.1.26', '/document/category', `${categoryName} is the name of a profile other than CSAF Base`);
  }

  // The profiles' mandatory parts (6.1.27.*), each for the categories the specification names.
  const category = doc.document?.category;
  const notesOf = (n: Json[] | undefined) =>
    (n ?? []).some((x: Json) => ['description', 'details', 'general', 'summary'].includes(x.category));
  if (category === 'csaf_informational_advisory' || category === 'csaf_security_incident_response') {
    if (!notesOf(doc.document.notes))
      fail(
        '6.1.27.1',
        '/document/notes',
        'needs a note of category description, details, general or summary',
      );
    if (!(doc.document.references ?? []).some((r: Json) => r.category === 'external'))
      fail('6.1.27.2', '/document/references', 'needs a reference of category external');
  }
  if (category === 'csaf_informational_advisory' && doc.vulnerabilities)
    fail('6.1.27.3', '/vulnerabilities', 'an informational advisory has no vulnerabilities');
  if (category === 'csaf_security_advisory' || category === 'csaf_vex') {
    if (!doc.product_tree) fail('6.1.27.4', '/product_tree', 'needs a product tree');
    if (!doc.vulnerabilities?.length) fail('6.1.27.11', '/vulnerabilities', 'needs vulnerabilities');
    (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
      if (!v.notes?.length)
        fail('6.1.27.5', `/vulnerabilities/${i}/notes`, 'every vulnerability needs notes');
    });
  }
  if (category === 'csaf_security_advisory')
    (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
      if (!v.product_status)
        fail('6.1.27.6', `/vulnerabilities/${i}/product_status`, 'needs a product status');
    });
  if (category === 'csaf_vex') {
    const inGroup = (g: string, id: string) =>
      (doc.product_tree?.product_groups ?? []).some(
        (pg: Json) => pg.group_id === g && pg.product_ids.includes(id),
      );
    const names = (list: Json[], id: string) =>
      list.some(
        (x) => (x.product_ids ?? []).includes(id) || (x.group_ids ?? []).some((g: string) => inGroup(g, id)),
      );
    (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
      const at = `/vulnerabilities/${i}`;
      const ps = v.product_status ?? {};
      if (
        !['fixed', 'known_affected', 'known_not_affected', 'under_investigation'].some((s) => ps[s]?.length)
      )
        fail(
          '6.1.27.7',
          `${at}/product_status`,
          'needs fixed, known_affected, known_not_affected or under_investigation',
        );
      if (!v.cve && !v.ids?.length) fail('6.1.27.8', at, 'needs a cve or ids');
      const impacts = (v.threats ?? []).filter((t: Json) => t.category === 'impact');
      (ps.known_not_affected ?? []).forEach((id: string, j: number) => {
        if (!names(v.flags ?? [], id) && !names(impacts, id))
          fail(
            '6.1.27.9',
            `${at}/product_status/known_not_affected/${j}`,
            `product ${id} has no impact statement (a flag or an impact threat)`,
          );
      });
      (ps.known_affected ?? []).forEach((id: string, j: number) => {
        if (!names(v.remediations ?? [], id))
          fail(
            '6.1.27.10',
            `${at}/product_status/known_affected/${j}`,
            `product ${id} has no action statement (a remediation)`,
          );
      });
    });
  }
  return out;
}

/**
 * Reads and validates a CSAF 2.0 document. Throws ImportError ('schema') with every schema error,
 * or with every failed mandatory test (named, with its JSON pointer), when it is not valid CSAF.
 */
export function readCsaf(input: Uint8Array | string, maxBytes = MAX_CSAF_BYTES): Json {
  const doc = parseJsonInput(input, maxBytes, 'The CSAF document');
  assertJsonDepth(doc, 'The CSAF document');
  if (typeof doc !== 'object' || doc === null || typeof (doc as Json).document?.csaf_version !== 'string')
    throw new ImportError('unsupported-format', 'Not a CSAF document: /document/csaf_version is missing.');
  if ((doc as Json).document.csaf_version !== '2.0')
    throw new ImportError(
      'unsupported-format',
      `CSAF version ${(doc as Json).document.csaf_version} is not supported; supported: 2.0.`,
    );
  const validate = schemaValidator();
  if (!validate(doc)) {
    // The CSAF schema checks CVSS objects against the FIRST schemas too: those failures are 6.1.8,
    // named as such (the schema's own oneOf noise under them is left out).
    const cvss = invalidCvssProblems(doc);
    const under = new Set(cvss.map((p) => p.pointer.split('/').slice(0, 6).join('/')));
    const rest = toSchemaErrors(validate.errors).filter(
      (e) => !under.has(e.pointer.split('/').slice(0, 6).join('/')),
    );
    throw new ImportError(
      'schema',
      cvss.length > 0
        ? `The document fails the CSAF 2.0 mandatory test 6.1.8 Invalid CVSS${rest.length > 0 ? ' and the JSON schema' : ''}.`
        : 'The document does not match the CSAF 2.0 JSON schema.',
      [...cvss.map(({ pointer, detail }) => ({ pointer, detail })), ...rest],
    );
  }
  const failed = mandatoryTestProblems(doc);
  if (failed.length > 0)
    throw new ImportError(
      'schema',
      `The document fails the CSAF 2.0 mandatory test${failed.length === 1 ? '' : 's'} ${[...new Set(failed.map((f) => `${f.test} ${MANDATORY_TESTS[f.test!]}`))].join('; ')}.`,
      failed.map(({ pointer, detail }) => ({ pointer, detail })),
    );
  return doc;
}
