// Shared JSON-schema plumbing for the import converters: one Ajv set-up (draft-07, all errors,
// the formats the standards use) and the conversion of Ajv errors to { pointer, detail }.
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { SchemaErrorDetail } from './errors.ts';

// ajv-formats is CommonJS with `module.exports.default`; under NodeNext the default import is
// the module object, so take the function from it.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

/** At most this many schema errors are reported; the rest are summarised in one entry. */
export const MAX_REPORTED_SCHEMA_ERRORS = 50;

// RFC 3987 IRI references: we refuse what can never appear in one (whitespace, controls and
// the characters RFC 3987 excludes) rather than implement the full grammar.
const IRI_REFERENCE = /^[^\s<>"{}|\\^`\u0000-\u001f\u007f]*$/u;
// RFC 6531 addresses: a local part and a domain, no whitespace.
const IDN_EMAIL = /^[^\s@]+@[^\s@]+$/u;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  ajv.addFormat('iri-reference', IRI_REFERENCE);
  ajv.addFormat('idn-email', IDN_EMAIL);
  return ajv;
}

export function toSchemaErrors(errs: ErrorObject[] | null | undefined): SchemaErrorDetail[] {
  if (!errs) return [];
  const out: SchemaErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errs) {
    const detail = describe(e);
    const key = e.instancePath + '\u0000' + detail;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: e.instancePath, detail });
  }
  if (out.length > MAX_REPORTED_SCHEMA_ERRORS) {
    const rest = out.length - MAX_REPORTED_SCHEMA_ERRORS;
    out.length = MAX_REPORTED_SCHEMA_ERRORS;
    out.push({ pointer: '', detail: `${rest} more schema errors not shown` });
  }
  return out;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown property "${String(p.additionalProperty)}"`;
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'enum':
      return `${e.message}: ${JSON.stringify(p.allowedValues).slice(0, 200)}`;
    default:
      return e.message ?? e.keyword;
  }
}
