// The one rule for text and numbers that cross the edge. Every string a request stores or queries
// by goes through `Text`, every integer through `Int` (or the `Limit`/`Offset` page pair), so that
// what PostgreSQL cannot store (NUL, lone UTF-16 surrogates) and what misleads a reader (control
// characters, bidirectional overrides) is refused with a 400 before it reaches a repository, and no
// number outside what the database column holds ever gets that far.
import { type TInteger, type TString, Type } from 'typebox';

// ajv compiles patterns with the `u` flag, so a surrogate range matches only a lone surrogate
// (a valid pair is one code point beyond U+FFFF) and the rule costs one linear scan.
const FORBIDDEN_ALWAYS = '\\u0000\\ud800-\\udfff';
// C0 and C1 controls and DEL; the bidi embeddings, overrides and isolates (Trojan Source, CVE-2021-42574).
const CONTROLS = '\\u0001-\\u001f\\u007f-\\u009f';
const BIDI = '\\u202a-\\u202e\\u2066-\\u2069';
const MULTILINE_CONTROLS = '\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';

/** Single-line text: names, usernames, search terms. */
export const SINGLE_LINE_PATTERN = `^[^${FORBIDDEN_ALWAYS}${CONTROLS}${BIDI}]*$`;
/** Free text (notes): tabs and line breaks allowed, other controls and bidi overrides not. */
export const MULTILINE_PATTERN = `^[^${FORBIDDEN_ALWAYS}${MULTILINE_CONTROLS}${BIDI}]*$`;

export interface TextOptions {
  maxLength: number;
  minLength?: number;
  /** Allow tab, CR and LF (notes, descriptions). */
  multiline?: boolean;
  description?: string;
}

/** A string that may be stored or compared in SQL: bounded, no NUL, no lone surrogate, no controls. */
export function Text(opts: TextOptions): TString {
  return Type.String({
    maxLength: opts.maxLength,
    ...(opts.minLength !== undefined ? { minLength: opts.minLength } : {}),
    pattern: opts.multiline ? MULTILINE_PATTERN : SINGLE_LINE_PATTERN,
    ...(opts.description ? { description: opts.description } : {}),
  });
}

/** PostgreSQL's integer; the default ceiling of every integer the API accepts. */
export const INT32_MAX = 2_147_483_647;

/** An integer with bounds (PostgreSQL integer range unless narrower); 1e30 or Infinity → 400. */
export function Int(
  opts: { minimum?: number; maximum?: number; default?: number; description?: string } = {},
): TInteger {
  return Type.Integer({
    minimum: opts.minimum ?? -INT32_MAX,
    maximum: Math.min(opts.maximum ?? INT32_MAX, INT32_MAX),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  });
}

/**
 * The largest page any list answers. Measured: 1000 exposures per page under 200 concurrent
 * clients kept the server busy for seconds (issue 8); 500 rows keeps each answer a few hundred KB.
 */
export const MAX_PAGE_SIZE = 500;
/** The deepest offset a list accepts: further than this, narrow the filters instead. */
export const MAX_OFFSET = 1_000_000;

/** `limit` query parameter of a list. */
export const Limit = (dflt = 100, max = MAX_PAGE_SIZE) =>
  Int({ minimum: 1, maximum: max, default: Math.min(dflt, max), description: `page size, at most ${max}` });
/** `offset` query parameter of a list. */
export const Offset = () =>
  Int({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: `at most ${MAX_OFFSET}` });
