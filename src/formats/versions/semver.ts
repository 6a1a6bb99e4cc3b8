// SemVer order as OSV computes it for npm, crates.io, Go, NuGet and SEMVER ranges (osv-scalibr's
// semantic/version-semver.go and version-semver-like.go): an optional leading `v`, then numeric
// components of any size separated by dots, then the rest. Components compare by value, missing
// ones are 0 (`1.2` = `1.2.0`); components beyond the ecosystem's count (three, NuGet four) are
// appended to the rest as `.N`, so `1.2.3.4` sorts as the prerelease `1.2.3-.4`. The rest, with
// build metadata (`+…`) and one leading `-` removed, is the prerelease: a version without one sorts
// after those with one; identifiers compare numerically when both are integers, a number before a
// word, words by code unit, and a longer list after its prefix (semver.org §11). NuGet compares the
// prerelease without case. Every valid SemVer 2.0 version orders exactly as semver.org says.
//
// Refused (OSV would read them as some version, but no registry publishes them and a guess could open
// false exposures): empty input, no leading digit, empty numeric components (`1..2`, `1.`), blanks.

import { InvalidVersionError } from './errors.ts';
import {
  compareDigits,
  compareStrings,
  hasBlankOrControl,
  type Ordering,
  stripZeros,
  type VersionScheme,
} from './scheme.ts';

export interface SemverKey {
  /** Numeric components as digit strings without leading zeros; trailing zeros dropped. */
  readonly components: readonly string[];
  /** Prerelease identifiers; empty for a release. */
  readonly pre: readonly string[];
  /** Per identifier: true when it is an integer (compared by value, and before words). */
  readonly preNumeric: readonly boolean[];
  /**
   * The numeric components as one number (major·10¹⁰ + minor·10⁵ + patch) when there are at most
   * three and each is below 100,000, else -1. Two keys that both have one compare their components
   * by it alone: a binary search over a package's bounds then costs one number comparison per step
   * instead of a digit-string walk (comparisons were 14 % of the SBOM-path matching's profile, issue 14).
   */
  readonly rank: number;
}

/** Components below 100,000 fit three to a rank: 99,999·10¹⁰ + … stays below 2⁵³. */
const RANK_DIGITS = 5;

interface SemverOptions {
  readonly name: string;
  /** How many numeric components count before the rest begins (NuGet 4, others 3). */
  readonly components: 3 | 4;
  /** npm also takes node-semver's leading `=` (and blanks around the version). */
  readonly npmPrefix: boolean;
  /** NuGet: prerelease labels compare without case. */
  readonly ignoreCase: boolean;
}

// Go's big.Int SetString, which osv-scalibr uses to tell numbers, takes an optional sign.
const INTEGER = /^[+-]?\d+$/;

function fail(name: string, v: string, reason: string): never {
  throw new InvalidVersionError(name, v, reason);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function parseSemver(v: string, opts: SemverOptions): SemverKey {
  const s = opts.npmPrefix ? v.trim().replace(/^[=v]+/, '') : v.startsWith('v') ? v.slice(1) : v;
  if (s === '') fail(opts.name, v, 'empty version');
  if (!isDigitCode(s.charCodeAt(0))) fail(opts.name, v, 'expected a version starting with a number');
  if (hasBlankOrControl(s)) fail(opts.name, v, 'blanks or control characters in the version');
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    const start = i;
    while (i < s.length && isDigitCode(s.charCodeAt(i))) i++;
    if (i === start) fail(opts.name, v, 'empty numeric component');
    parts.push(stripZeros(s.slice(start, i)));
    if (i < s.length && s.charCodeAt(i) === 46 /* . */) {
      i++;
      continue;
    }
    break;
  }
  let rest = s.slice(i);
  // Components past the ecosystem's count go to the end of the rest, as OSV does.
  if (parts.length > opts.components) for (const extra of parts.splice(opts.components)) rest += `.${extra}`;
  if (opts.ignoreCase) rest = rest.toLowerCase();
  const plus = rest.indexOf('+');
  let pre = plus === -1 ? rest : rest.slice(0, plus);
  if (pre.startsWith('-')) pre = pre.slice(1);
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  const rank = rankOf(parts);
  // A release (most versions) shares the empty prerelease lists.
  if (pre === '') return { components: parts, pre: NO_IDS, preNumeric: NO_FLAGS, rank };
  const ids = pre.split('.');
  return { components: parts, pre: ids, preNumeric: ids.map((id) => INTEGER.test(id)), rank };
}

const NO_IDS: readonly string[] = Object.freeze([]);
const NO_FLAGS: readonly boolean[] = Object.freeze([]);

function rankOf(parts: readonly string[]): number {
  if (parts.length > 3) return -1;
  let rank = 0;
  for (let i = 0; i < 3; i++) {
    rank *= 100_000;
    const p = parts[i];
    if (p === undefined) continue;
    if (p.length > RANK_DIGITS) return -1;
    let n = 0;
    for (let j = 0; j < p.length; j++) n = n * 10 + (p.charCodeAt(j) - 48);
    rank += n;
  }
  return rank;
}

function compareIntegers(a: string, b: string): Ordering {
  const sa = a.charCodeAt(0);
  const sb = b.charCodeAt(0);
  if (isDigitCode(sa) && isDigitCode(sb)) return compareDigits(stripZeros(a), stripZeros(b));
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareSemver(a: SemverKey, b: SemverKey): Ordering {
  if (a.rank >= 0 && b.rank >= 0) {
    if (a.rank !== b.rank) return a.rank < b.rank ? -1 : 1;
  } else {
    const n = Math.max(a.components.length, b.components.length);
    for (let i = 0; i < n; i++) {
      const c = compareDigits(a.components[i] ?? '0', b.components[i] ?? '0');
      if (c !== 0) return c;
    }
  }
  const ap = a.pre;
  const bp = b.pre;
  // A release sorts after all of its prereleases.
  if (ap.length === 0) return bp.length === 0 ? 0 : 1;
  if (bp.length === 0) return -1;
  const m = Math.min(ap.length, bp.length);
  for (let i = 0; i < m; i++) {
    const an = a.preNumeric[i]!;
    const bn = b.preNumeric[i]!;
    let c: Ordering;
    if (an && bn) c = compareIntegers(ap[i]!, bp[i]!);
    else if (an !== bn) c = an ? -1 : 1;
    else c = compareStrings(ap[i]!, bp[i]!);
    if (c !== 0) return c;
  }
  return ap.length === bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

function semverScheme(
  name: string,
  options: Partial<Omit<SemverOptions, 'name'>> = {},
): VersionScheme<SemverKey> {
  const opts: SemverOptions = { name, components: 3, npmPrefix: false, ignoreCase: false, ...options };
  return { name, parse: (v) => parseSemver(v, opts), compare: compareSemver };
}

export const semver = semverScheme('SEMVER');
export const npmSemver = semverScheme('npm', { npmPrefix: true });
export const cratesSemver = semverScheme('crates.io');
export const goSemver = semverScheme('Go');
export const nugetSemver = semverScheme('NuGet', { components: 4, ignoreCase: true });
