// Validation of STIX 2.1 objects against the OASIS JSON schemas (cti-stix2-json-schemas, draft
// 2020-12, shipped in ./schemas, or BULWARK_STIX_SCHEMAS), plus the rules the schemas
// cannot say: an indicator's STIX pattern parses (with the error's position), `modified` is not
// before `created`, and Bulwark's own observables (x-bulwark-phone-number in E.164,
// x-bulwark-sms-sender) are well formed. Custom properties (x_…) pass through untouched. Regular
// expressions of the schemas with nested quantifiers run on RE2 (re2js): the schemas' own type
// pattern `^([a-z][a-z0-9]*)+…` would backtrack exponentially on a hostile type name in
// JavaScript's engine. A refused object names the property: `/valid_from: must match …`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RE2JS } from 're2js';
import { PHONE_TYPE, normalizePhone, normalizeSmsSender, SMS_SENDER_TYPE } from './observables.ts';
import { type ObservationExpression, PatternError, parsePattern } from './pattern.ts';

const addFormats = (addFormatsModule as unknown as { default: (ajv: Ajv2020) => Ajv2020 }).default;

export const DEFAULT_STIX_SCHEMAS = new URL('./schemas', import.meta.url).pathname;
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

export interface StixProblem {
  pointer: string;
  detail: string;
}

export class StixValidationError extends Error {
  override name = 'StixValidationError';
  constructor(
    message: string,
    readonly problems: StixProblem[],
  ) {
    super(message);
  }
}

export type StixObject = Record<string, unknown> & { type: string; id: string };

const SDO_SRO: Record<string, string> = {
  'attack-pattern': 'sdos',
  campaign: 'sdos',
  'course-of-action': 'sdos',
  grouping: 'sdos',
  identity: 'sdos',
  incident: 'sdos',
  indicator: 'sdos',
  infrastructure: 'sdos',
  'intrusion-set': 'sdos',
  location: 'sdos',
  malware: 'sdos',
  'malware-analysis': 'sdos',
  note: 'sdos',
  'observed-data': 'sdos',
  opinion: 'sdos',
  report: 'sdos',
  'threat-actor': 'sdos',
  tool: 'sdos',
  vulnerability: 'sdos',
  relationship: 'sros',
  sighting: 'sros',
  'marking-definition': 'common',
  'extension-definition': 'common',
  'language-content': 'common',
};

// A group that holds a quantifier and is quantified itself: `(a+)+`, `([a-z][a-z0-9]*)+`.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)[*+{]/;

/**
 * The schemas' regular expressions: those with nested quantifiers (which backtrack exponentially
 * in JavaScript's engine) run on RE2, the others natively (RE2JS costs microseconds a test, and a
 * STIX object has dozens of properties to check).
 */
// biome-ignore lint/suspicious/noExplicitAny: Ajv's `code.regExp` option is typed loosely upstream.
const schemaRegExp: any = (source: string, flags: string) => {
  if (NESTED_QUANTIFIER.test(source))
    return RE2JS.compile(source, flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0);
  try {
    return new RegExp(source, flags);
  } catch {
    // The schemas escape characters (`\-`) that unicode mode refuses.
    return new RegExp(source, flags.replace('u', ''));
  }
};
schemaRegExp.code = 'bulwark-schema-regexp';

/** Refuses an object for the property at `pointer` (a module function: extraRules runs per object). */
function refuse(pointer: string, detail: string): never {
  throw new StixValidationError(`${pointer}: ${detail}`, [{ pointer, detail }]);
}

export class StixValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly observables: Set<string>;
  /** Each validated indicator's parsed pattern, so that the matcher need not parse it again. */
  private readonly patterns = new WeakMap<object, ObservationExpression>();

  constructor(dir = process.env.BULWARK_STIX_SCHEMAS ?? DEFAULT_STIX_SCHEMAS) {
    if (!existsSync(join(dir, 'common', 'core.json')))
      throw new Error(`the STIX 2.1 JSON schemas are not at ${dir} (set BULWARK_STIX_SCHEMAS)`);
    this.ajv = new Ajv2020({ allErrors: true, strict: false, code: { regExp: schemaRegExp } });
    addFormats(this.ajv);
    for (const sub of ['common', 'sdos', 'sros', 'observables'])
      for (const f of readdirSync(join(dir, sub)).filter((x) => x.endsWith('.json')))
        this.ajv.addSchema(JSON.parse(readFileSync(join(dir, sub, f), 'utf8')));
    this.observables = new Set(
      readdirSync(join(dir, 'observables'))
        .filter((x) => x.endsWith('.json'))
        .map((x) => x.slice(0, -5)),
    );
  }

  private schema(path: string): ValidateFunction {
    let v = this.cache.get(path);
    if (!v) {
      v = this.ajv.getSchema(BASE + path);
      if (!v) throw new Error(`no STIX schema ${path}`);
      this.cache.set(path, v);
    }
    return v;
  }

  /** Which schema an object of this type is checked against. */
  private schemaFor(type: string): string {
    const dir = SDO_SRO[type];
    if (dir) return `${dir}/${type}.json`;
    if (this.observables.has(type)) return `observables/${type}.json`;
    return '';
  }

  /** Throws StixValidationError naming the properties at fault; returns the object typed. */
  validate(obj: unknown): StixObject {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
      throw new StixValidationError('a STIX object is a JSON object', [
        { pointer: '', detail: 'not an object' },
      ]);
    const o = obj as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type : '';
    if (!type || type.length > 250)
      throw new StixValidationError('/type: required, a string of at most 250 characters', [
        { pointer: '/type', detail: 'required' },
      ]);
    let path = this.schemaFor(type);
    if (!path) {
      // A custom object: it must say which extension defines it, and is checked as an SDO/SRO or
      // an SCO by the core schemas (as the bundle schema does for custom objects).
      const ext = Object.values((o.extensions ?? {}) as Record<string, { extension_type?: string }>);
      const kind = ext.find(
        (e) => e && typeof e === 'object' && e.extension_type?.startsWith('new-'),
      )?.extension_type;
      if (!kind && !type.startsWith('x-'))
        throw new StixValidationError(
          `/type: '${type}' is not a STIX 2.1 type, and no extension definition declares it (extensions.*.extension_type new-sdo, new-sco or new-sro)`,
          [{ pointer: '/type', detail: 'unknown type' }],
        );
      path =
        kind === 'new-sco' || (!kind && !('created' in o))
          ? 'common/cyber-observable-core.json'
          : 'common/core.json';
    }
    const v = this.schema(path);
    if (!v(o)) throw errorOf(v.errors ?? []);
    this.extraRules(o);
    return o as StixObject;
  }

  /** The parsed pattern of an indicator this validator accepted (STIX patterns only). */
  patternOf(o: object): ObservationExpression | undefined {
    return this.patterns.get(o);
  }

  private extraRules(o: Record<string, unknown>): void {
    if (typeof o.created === 'string' && typeof o.modified === 'string' && o.modified < o.created)
      refuse('/modified', `is before created (${o.created})`);
    if (o.type === 'indicator' && o.pattern_type === 'stix') {
      try {
        this.patterns.set(o, parsePattern(String(o.pattern)));
      } catch (err) {
        if (err instanceof PatternError) refuse('/pattern', `invalid STIX pattern: ${err.message}`);
        throw err;
      }
    }
    if (o.type === 'indicator' && typeof o.valid_until === 'string' && typeof o.valid_from === 'string')
      if (o.valid_until <= o.valid_from)
        refuse('/valid_until', `must be later than valid_from (${o.valid_from})`);
    if (o.type === PHONE_TYPE) {
      if (typeof o.value !== 'string') refuse('/value', 'required, a phone number in E.164');
      const e164 = normalizePhone(o.value as string);
      if (e164 !== o.value)
        refuse(
          '/value',
          e164 ? `is not in E.164 form; write '${e164}'` : 'is not a valid phone number in E.164 form',
        );
    }
    if (o.type === SMS_SENDER_TYPE) {
      if (typeof o.value !== 'string' || normalizeSmsSender(o.value) === undefined)
        refuse(
          '/value',
          'required: a short code of 3 to 8 digits or an alphanumeric sender id of at most 11 characters',
        );
    }
  }
}

/** The most precise of Ajv's errors: a leaf keyword, not the oneOf/anyOf/if that wraps it. */
function errorOf(errs: ErrorObject[]): StixValidationError {
  const wrappers = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not', 'then']);
  const leaves = errs.filter((e) => !wrappers.has(e.keyword));
  const chosen = (leaves.length ? leaves : errs).slice(0, 20);
  const problems = chosen.map((e) => {
    const pointer =
      e.keyword === 'required'
        ? `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`
        : e.keyword === 'additionalProperties'
          ? `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`
          : e.instancePath || '/';
    const detail =
      e.keyword === 'required'
        ? 'is required'
        : e.keyword === 'not' && e.schemaPath.endsWith('/not')
          ? 'is not allowed here'
          : (e.message ?? 'is invalid');
    return { pointer, detail };
  });
  const unique = problems.filter(
    (p, i) => problems.findIndex((q) => q.pointer === p.pointer && q.detail === p.detail) === i,
  );
  return new StixValidationError(unique.map((p) => `${p.pointer}: ${p.detail}`).join('; '), unique);
}
