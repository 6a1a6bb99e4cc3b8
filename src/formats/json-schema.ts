// Shared JSON-schema plumbing for the import converters: one Ajv set-up (draft-07, all errors,
// the formats the standards use) and the conversion of Ajv errors to { pointer, detail }.
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import canonicalize from 'canonicalize';
import type { SchemaErrorDetail } from './errors.ts';

// ajv-formats is CommonJS with `module.exports.default`; under NodeNext the default import is
// the module object, so take the function from it.
const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv) => Ajv }).default;

/** At most this many schema errors are reported; the rest are summarised in one entry. */
export const MAX_REPORTED_SCHEMA_ERRORS = 50;

// RFC 3987 IRI references: we refuse what can never appear in one (whitespace, controls and
// the characters RFC 3987 excludes) rather than implement the full grammar.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const IRI_REFERENCE = /^[^\s<>"{}|\\^`\u0000-\u001f\u007f]*$/u;
// RFC 6531 addresses: a local part and a domain, no whitespace.
const IDN_EMAIL = /^[^\s@]+@[^\s@]+$/u;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  ajv.addFormat('iri-reference', IRI_REFERENCE);
  ajv.addFormat('idn-email', IDN_EMAIL);
  ajv.addKeyword({
    keyword: LINEAR_UNIQUE_ITEMS,
    type: 'array',
    schemaType: 'boolean',
    errors: true,
    validate: function uniqueByCanonicalJson(this: unknown, on: boolean, data: unknown[]): boolean {
      if (!on) return true;
      const seen = new Map<string, number>();
      for (let i = 0; i < data.length; i++) {
        const key = canonicalize(data[i]) ?? 'undefined';
        const j = seen.get(key);
        if (j !== undefined) {
          (uniqueByCanonicalJson as unknown as { errors: Partial<ErrorObject>[] }).errors = [
            {
              keyword: 'uniqueItems',
              params: { i, j },
              message: `must NOT have duplicate items (items ${j} and ${i} are identical)`,
            },
          ];
          return false;
        }
        seen.set(key, i);
      }
      return true;
    },
  });
  return ajv;
}

const LINEAR_UNIQUE_ITEMS = 'x-uniqueItemsLinear';

/**
 * Ajv checks `uniqueItems` by comparing every pair of items: 5,000 components take most of a
 * second. This rewrites each `uniqueItems: true` of a schema (in place) into an equivalent
 * keyword that compares items by their canonical JSON (RFC 8785) in one pass.
 */
export function withLinearUniqueItems<T>(schema: T): T {
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const obj = node as Record<string, unknown>;
    if (obj['uniqueItems'] === true) {
      delete obj['uniqueItems'];
      obj[LINEAR_UNIQUE_ITEMS] = true;
    }
    for (const [k, v] of Object.entries(obj)) {
      // enum and const values and examples are data, not schemas.
      if (k === 'enum' || k === 'const' || k === 'examples' || k === 'default') continue;
      walk(v);
    }
  };
  walk(schema);
  return schema;
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
