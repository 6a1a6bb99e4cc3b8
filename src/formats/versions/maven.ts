// Maven versions in the order OSV computes them: the POM reference's "Version Order Specification"
// as osv.dev (osv/ecosystems/maven.py) and osv-scalibr (semantic/version-maven.go) implement it.
// A version is a flat list of tokens, each with the separator before it ('.' or '-'; a transition
// between a digit and a non-digit counts as '-'; the first token has none). Tokens are lower-cased,
// empty ones read "0", "cr" reads "rc", "ga"/"final"/"release" read "", and "a"/"b"/"m" directly
// followed by a digit read alpha/beta/milestone. Trailing null tokens ("0", "") are trimmed from the
// end and again before each remaining '-', from end to start. Two versions compare token by token,
// the shorter padded with nulls of the other's separator ('.' → "0", '-' → ""); equal separators
// compare the tokens (numbers by value, a non-null number after any qualifier, qualifiers
// alpha < beta < milestone < rc < snapshot < "" < sp < anything else, lexically), different ones
// ".qualifier" < "-qualifier" < "-number" < ".number".
//
// Where osv.dev and osv-scalibr differ (padding against ".sp": osv.dev pads "0", which sorts 1 after
// 1.sp), this follows osv-scalibr, which agrees with Maven. Maven's own ComparableVersion disagrees
// with the specification in several places (1-ga-1 vs 1-1, 1.foo vs 1-foo, 10b vs 10.b, 1.0.0.X1 vs
// 1.0.0-X2 …): that order is maven-comparable.ts, the second reference (docs/exposures.md lists the
// differences; test/versions/ checks both).

import { InvalidVersionError } from './errors.ts';
import { compareDigits, compareStrings, type Ordering, type VersionScheme } from './scheme.ts';

type Separator = '' | '.' | '-';

interface MavenToken {
  readonly prefix: Separator;
  readonly value: string;
  /** All ASCII digits, leading zeros stripped (value "0" for zero). */
  readonly numeric: boolean;
  /** A padding token (never produced by parsing). */
  readonly isNull: boolean;
}

export interface MavenKey {
  readonly tokens: readonly MavenToken[];
}

const KEYWORDS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const UNKNOWN_KEYWORD = KEYWORDS.length;
const TRIMMED = new Set(['0', '', 'final', 'ga']);

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isDigits(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) if (!isDigitCode(s.charCodeAt(i))) return false;
  return true;
}

function stripLeadingZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s.charCodeAt(i) === 48) i++;
  return i === 0 ? s : s.slice(i);
}

function token(prefix: Separator, value: string, isNull = false): MavenToken {
  const numeric = isDigits(value);
  return { prefix, value: numeric ? stripLeadingZeros(value) : value, numeric, isNull };
}

/** Positions inside `raw` where a digit meets a non-digit (each such boundary reads as '-'). */
function transitions(raw: string): number[] {
  const out: number[] = [];
  for (let i = 1; i < raw.length; i++) {
    if (isDigitCode(raw.charCodeAt(i - 1)) !== isDigitCode(raw.charCodeAt(i))) out.push(i);
  }
  out.push(raw.length);
  return out;
}

function normalizeQualifier(value: string, followedByDigit: boolean): string {
  if (value === '') return '0'; // empty tokens are replaced with "0"
  if (value === 'cr') return 'rc';
  if (value === 'ga' || value === 'final' || value === 'release') return '';
  if (followedByDigit) {
    if (value === 'a') return 'alpha';
    if (value === 'b') return 'beta';
    if (value === 'm') return 'milestone';
  }
  return value;
}

export function parseMaven(version: string): MavenKey {
  if (version.trim() === '') throw new InvalidVersionError('Maven', version, 'empty version');
  const tokens: MavenToken[] = [];
  // Split on '.' and '-', keeping each separator as the next token's prefix.
  let prefix: Separator = '';
  let start = 0;
  const take = (end: number) => {
    const raw = version.slice(start, end);
    let prev = 0;
    const cuts = transitions(raw);
    for (let j = 0; j < cuts.length; j++) {
      const cut = cuts[j]!;
      const piece = raw.slice(prev, cut).toLowerCase();
      tokens.push(token(j > 0 ? '-' : prefix, normalizeQualifier(piece, cut !== raw.length)));
      prev = cut;
    }
  };
  for (let i = 0; i < version.length; i++) {
    const c = version.charCodeAt(i);
    if (c === 46 /* . */ || c === 45 /* - */) {
      take(i);
      prefix = c === 46 ? '.' : '-';
      start = i + 1;
    }
  }
  take(version.length);
  // Trim trailing nulls from the end, then again before each remaining '-', from end to start;
  // the first token always stays.
  let i = tokens.length - 1;
  while (i > 0) {
    if (TRIMMED.has(tokens[i]!.value)) {
      tokens.splice(i, 1);
      i--;
      continue;
    }
    while (i >= 0 && tokens[i]!.prefix !== '-') i--;
    i--;
  }
  return { tokens };
}

function keywordIndex(value: string): number {
  const i = KEYWORDS.indexOf(value);
  return i === -1 ? UNKNOWN_KEYWORD : i;
}

/** ".qualifier" < "-qualifier" < "-number" < ".number" (the first token's empty prefix never differs). */
function separatorRank(t: MavenToken): number {
  if (t.numeric) return t.prefix === '-' ? 2 : 3;
  return t.prefix === '-' ? 1 : 0;
}

function tokenLess(v: MavenToken, w: MavenToken): boolean {
  if (v.prefix !== w.prefix) return separatorRank(v) < separatorRank(w);
  if (v.numeric && w.numeric) return compareDigits(v.value, w.value) < 0;
  // A number sorts after any qualifier, unless it is padding.
  if (v.numeric && !v.isNull) return false;
  if (w.numeric && !w.isNull) return true;
  const l = keywordIndex(v.value);
  const r = keywordIndex(w.value);
  if (l === UNKNOWN_KEYWORD && r === UNKNOWN_KEYWORD) return compareStrings(v.value, w.value) < 0;
  return l < r;
}

const NULL_DOT_ZERO = token('.', '0', true);
const NULL_DOT_EMPTY = token('.', '', true);
const NULL_DASH = token('-', '', true);

/** The padding that stands opposite `other` when this version has run out of tokens. */
function padFor(other: MavenToken): MavenToken {
  if (other.prefix === '.') return other.value === 'sp' ? NULL_DOT_EMPTY : NULL_DOT_ZERO;
  return NULL_DASH;
}

function tokensEqual(a: MavenToken, b: MavenToken): boolean {
  return a.prefix === b.prefix && a.value === b.value;
}

function lessThan(a: MavenKey, b: MavenKey): boolean {
  const n = Math.max(a.tokens.length, b.tokens.length);
  for (let i = 0; i < n; i++) {
    const left = i < a.tokens.length ? a.tokens[i]! : padFor(b.tokens[i]!);
    const right = i < b.tokens.length ? b.tokens[i]! : padFor(a.tokens[i]!);
    if (tokensEqual(left, right)) continue;
    return tokenLess(left, right);
  }
  return false;
}

export function compareMaven(a: MavenKey, b: MavenKey): Ordering {
  const ta = a.tokens;
  const tb = b.tokens;
  if (ta.length === tb.length) {
    let same = true;
    for (let i = 0; i < ta.length && same; i++) same = tokensEqual(ta[i]!, tb[i]!);
    if (same) return 0;
  }
  return lessThan(a, b) ? -1 : 1;
}

/** The token sequence as OSV prints it ("1-1.foo-bar-1-baz-0.1"), for display and tests. */
export function mavenTokens(key: MavenKey): string {
  return key.tokens.map((t) => t.prefix + t.value).join('');
}

export const maven: VersionScheme<MavenKey> = {
  name: 'Maven',
  parse: parseMaven,
  compare: compareMaven,
};
