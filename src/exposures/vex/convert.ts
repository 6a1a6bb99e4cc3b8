// VEX documents to statements, pure: OpenVEX (validated against its JSON schema), CycloneDX VEX
// (a BOM's `vulnerabilities` with `analysis`, validated against the CycloneDX JSON schema) and CSAF VEX (validated by the CSAF schema and the
// mandatory tests, src/formats/csaf). Each statement names a vulnerability (with aliases), the
// products (purls) it is about, a status (not_affected, affected, fixed, under_investigation) and,
// for not_affected, the justification or impact statement the specifications require; a
// document that breaks those rules is refused with the JSON pointer of every problem.
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { assertCycloneDxSchema } from '../../assets/index.ts';
import { productDefinitions, readCsaf } from '../../formats/csaf/index.ts';
import {
  assertJsonDepth,
  ImportError,
  parseJsonInput,
  type SchemaErrorDetail,
  toSchemaErrors,
} from '../../formats/index.ts';

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

export const MAX_VEX_BYTES = 20 * 1024 * 1024;
export const VEX_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type VexStatus = (typeof VEX_STATUSES)[number];
export type VexFormat = 'openvex' | 'cyclonedx' | 'csaf';

export interface VexStatement {
  format: VexFormat;
  document: string | null;
  author: string | null;
  issued: string | null;
  vulnerability: string;
  aliases: string[];
  /** Package URLs; one without a version speaks of every version. */
  products: string[];
  status: VexStatus;
  justification: string | null;
  impact: string | null;
  action: string | null;
  /** Where the statement is in its document (JSON pointer). */
  pointer: string;
}

// biome-ignore lint/suspicious/noExplicitAny: documents are walked loosely after validation.
type Json = any;

let openVex: ValidateFunction | undefined;
function openVexValidator(): ValidateFunction {
  if (openVex) return openVex;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  openVex = ajv.compile(
    JSON.parse(readFileSync(new URL('./schemas/openvex_json_schema.json', import.meta.url), 'utf8')),
  );
  return openVex;
}

function refuse(message: string, problems: SchemaErrorDetail[]): never {
  throw new ImportError('schema', message, problems);
}

function fromOpenVex(doc: Json): VexStatement[] {
  const validate = openVexValidator();
  const valid: boolean = validate(doc);
  if (!valid) refuse('The document does not match the OpenVEX JSON schema.', toSchemaErrors(validate.errors));
  const problems: SchemaErrorDetail[] = [];
  const out: VexStatement[] = [];
  (doc.statements as Json[]).forEach((s, i) => {
    const at = `/statements/${i}`;
    if (s.status === 'not_affected' && !s.justification && !s.impact_statement)
      problems.push({
        pointer: at,
        detail: 'a not_affected statement MUST include a justification or an impact_statement',
      });
    if (s.status === 'affected' && !s.action_statement)
      problems.push({ pointer: at, detail: 'an affected statement MUST include an action_statement' });
    const products: string[] = [];
    for (const p of s.products ?? []) {
      const ids = [p['@id'], p.identifiers?.purl].filter((x: unknown) => typeof x === 'string');
      for (const sub of p.subcomponents ?? [])
        ids.push(...[sub['@id'], sub.identifiers?.purl].filter((x: unknown) => typeof x === 'string'));
      products.push(...ids.filter((x: string) => x.startsWith('pkg:')));
    }
    out.push({
      format: 'openvex',
      document: doc['@id'] ?? null,
      author: s.supplier ?? doc.author ?? null,
      issued: s.timestamp ?? doc.timestamp ?? null,
      vulnerability: s.vulnerability.name ?? s.vulnerability['@id'],
      aliases: s.vulnerability.aliases ?? [],
      products,
      status: s.status,
      justification: s.justification ?? null,
      impact: s.impact_statement ?? null,
      action: s.action_statement ?? null,
      pointer: at,
    });
  });
  if (problems.length) refuse('The OpenVEX document breaks the specification.', problems);
  return out;
}

const CDX_STATE: Record<string, VexStatus> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  exploitable: 'affected',
  in_triage: 'under_investigation',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
};

function fromCycloneDx(doc: Json): VexStatement[] {
  // The CycloneDX JSON schema of its specVersion first (as for SBOMs): 422 with JSON pointers.
  assertCycloneDxSchema(doc, 'The VEX document');
  const problems: SchemaErrorDetail[] = [];
  if (!Array.isArray(doc.vulnerabilities))
    refuse('The CycloneDX document has no vulnerabilities.', [
      { pointer: '/vulnerabilities', detail: 'a CycloneDX VEX lists vulnerabilities with an analysis' },
    ]);
  const refs = new Map<string, string>();
  const walk = (list: Json[]) => {
    for (const c of list ?? []) {
      if (c['bom-ref'] && c.purl) refs.set(c['bom-ref'], c.purl);
      if (Array.isArray(c.components)) walk(c.components);
    }
  };
  walk(doc.components);
  if (doc.metadata?.component) walk([doc.metadata.component]);
  const out: VexStatement[] = [];
  (doc.vulnerabilities as Json[]).forEach((v, i) => {
    const at = `/vulnerabilities/${i}`;
    if (typeof v.id !== 'string' || !v.id) problems.push({ pointer: `${at}/id`, detail: 'needs an id' });
    const state = v.analysis?.state;
    if (state === undefined) return; // a vulnerability without analysis is a finding, not a VEX statement
    const status = CDX_STATE[state];
    if (!status) {
      problems.push({ pointer: `${at}/analysis/state`, detail: `unknown state ${JSON.stringify(state)}` });
      return;
    }
    if (
      status === 'not_affected' &&
      state === 'not_affected' &&
      !v.analysis.justification &&
      !v.analysis.detail
    )
      problems.push({
        pointer: `${at}/analysis`,
        detail: 'a not_affected analysis needs a justification (or a detail saying why)',
      });
    const products: string[] = [];
    (v.affects ?? []).forEach((a: Json, j: number) => {
      const ref = typeof a.ref === 'string' ? a.ref : undefined;
      const purl = ref?.startsWith('pkg:') ? ref : ref ? refs.get(ref) : undefined;
      if (!purl)
        problems.push({
          pointer: `${at}/affects/${j}/ref`,
          detail: `${JSON.stringify(ref)} names no component with a purl in this document`,
        });
      else products.push(purl);
    });
    if (products.length === 0 && !(v.affects ?? []).length)
      problems.push({ pointer: `${at}/affects`, detail: 'names no affected component' });
    out.push({
      format: 'cyclonedx',
      document: doc.serialNumber ?? null,
      author:
        doc.metadata?.authors?.[0]?.name ??
        doc.metadata?.supplier?.name ??
        doc.metadata?.manufacturer?.name ??
        null,
      issued: v.analysis?.lastUpdated ?? v.published ?? doc.metadata?.timestamp ?? null,
      vulnerability: v.id,
      aliases: (v.references ?? []).map((r: Json) => r.id).filter((x: unknown) => typeof x === 'string'),
      products,
      status,
      justification: v.analysis?.justification ?? (state === 'false_positive' ? 'false_positive' : null),
      impact: v.analysis?.detail ?? null,
      action: (v.analysis?.response ?? []).join(', ') || null,
      pointer: at,
    });
  });
  if (problems.length) refuse('The CycloneDX VEX document breaks the specification.', problems);
  return out;
}

const CSAF_STATUS: Record<string, VexStatus> = {
  known_not_affected: 'not_affected',
  known_affected: 'affected',
  first_affected: 'affected',
  last_affected: 'affected',
  fixed: 'fixed',
  first_fixed: 'fixed',
  under_investigation: 'under_investigation',
};

function fromCsaf(doc: Json): VexStatement[] {
  // A product is matched onto components by its purl. One without a purl stays a statement (it is
  // evidence of what the vendor said), named by its CPE or name, and the import lists it as a
  // product no component could be matched to.
  const purls = new Map<string, string>();
  for (const d of productDefinitions(doc))
    purls.set(d.id, d.helper?.purl ?? d.helper?.cpe ?? (d.name ? `${d.name} (${d.id})` : d.id));
  const groups = new Map<string, string[]>(
    (doc.product_tree?.product_groups ?? []).map((g: Json) => [g.group_id, g.product_ids]),
  );
  const names = (x: Json) => [
    ...(x.product_ids ?? []),
    ...(x.group_ids ?? []).flatMap((g: string) => groups.get(g) ?? []),
  ];
  const out: VexStatement[] = [];
  (doc.vulnerabilities ?? []).forEach((v: Json, i: number) => {
    const id = v.cve ?? v.ids?.[0]?.text;
    const aliases = [v.cve, ...(v.ids ?? []).map((x: Json) => x.text)].filter((x) => x && x !== id);
    for (const [key, status] of Object.entries(CSAF_STATUS)) {
      const products: string[] = v.product_status?.[key] ?? [];
      products.forEach((pid, j) => {
        const purl = purls.get(pid) ?? pid;
        const flag = (v.flags ?? []).find((f: Json) => names(f).includes(pid));
        const impact = (v.threats ?? []).find((t: Json) => t.category === 'impact' && names(t).includes(pid));
        const remediation = (v.remediations ?? []).find((r: Json) => names(r).includes(pid));
        out.push({
          format: 'csaf',
          document: doc.document.tracking.id,
          author: doc.document.publisher.name,
          issued: doc.document.tracking.current_release_date,
          vulnerability: id,
          aliases,
          products: [purl],
          status,
          justification: flag?.label ?? null,
          impact: impact?.details ?? null,
          action: remediation?.details ?? null,
          pointer: `/vulnerabilities/${i}/product_status/${key}/${j}`,
        });
      });
    }
  });
  return out;
}

/** Reads a VEX document of any of the three formats. Throws ImportError. */
export function parseVex(input: Uint8Array | string, maxBytes = MAX_VEX_BYTES): VexStatement[] {
  const doc = parseJsonInput(input, maxBytes, 'The VEX document') as Json;
  assertJsonDepth(doc, 'The VEX document');
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new ImportError('unsupported-format', 'A VEX document is a JSON object.');
  if (typeof doc['@context'] === 'string' && doc['@context'].startsWith('https://openvex.dev/'))
    return fromOpenVex(doc);
  if (doc.bomFormat === 'CycloneDX') return fromCycloneDx(doc);
  if (doc.document?.csaf_version) {
    const csaf = readCsaf(JSON.stringify(doc), maxBytes);
    if (csaf.document.category !== 'csaf_vex')
      throw new ImportError(
        'unsupported-format',
        `A CSAF document of category ${csaf.document.category} is not VEX; import advisories with \`import csaf\`.`,
      );
    return fromCsaf(csaf);
  }
  throw new ImportError(
    'unsupported-format',
    'Not a VEX document: expected OpenVEX (@context https://openvex.dev/…), CycloneDX (bomFormat) or CSAF VEX (document.csaf_version).',
  );
}
