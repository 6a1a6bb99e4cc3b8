// SemVer 2.0.0 order (semver.org §11), used for npm, crates.io, Go and OSV SEMVER ranges.
// Build metadata is ignored. Go variants accept the `v` prefix and x/mod/semver's shorthands
// (`v1`, `v1.2`); `+incompatible` is build metadata and pseudo-versions are ordinary prereleases.

import { InvalidVersionError } from './errors.ts';
import { compareDigits, compareStrings, type Ordering, type VersionScheme } from './scheme.ts';

export interface SemverKey {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Prerelease identifiers; empty for a release. */
  readonly pre: readonly string[];
  /** Per identifier: true when it is numeric (compared by value, and before alphanumerics). */
  readonly preNumeric: readonly boolean[];
  /** Build metadata (kept for display, never compared). */
  readonly build: string;
}

const CORE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;
const GO_SHORT = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const NUMERIC = /^\d+$/;

interface SemverOptions {
  readonly name: string;
  /** Go: optional `v` prefix and shorthand `v1` / `v1.2`. npm: node-semver's leading `v` or `=`. */
  readonly prefix: 'none' | 'go' | 'npm';
}

function fail(name: string, v: string, reason: string): never {
  throw new InvalidVersionError(name, v, reason);
}

function splitIdentifiers(name: string, v: string, text: string, what: string): string[] {
  const ids = text.split('.');
  for (const id of ids) {
    if (id === '') fail(name, v, `empty ${what} identifier`);
    if (!IDENT.test(id))
      fail(name, v, `${what} identifier ${JSON.stringify(id)} has characters outside [0-9A-Za-z-]`);
  }
  return ids;
}

export function parseSemver(v: string, opts: SemverOptions): SemverKey {
  let s = v;
  if (opts.prefix === 'go' && s.startsWith('v')) s = s.slice(1);
  else if (opts.prefix === 'npm') s = s.trim().replace(/^[=v]+/, '');
  if (opts.prefix === 'go') {
    const short = GO_SHORT.exec(s);
    if (short) {
      return { major: short[1]!, minor: short[2] ?? '0', patch: '0', pre: [], preNumeric: [], build: '' };
    }
  }
  const m = CORE.exec(s);
  if (!m) {
    if (s === '') fail(opts.name, v, 'empty version');
    fail(opts.name, v, 'expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with no leading zeros');
  }
  let pre: string[] = [];
  let preNumeric: boolean[] = [];
  if (m[4] !== undefined) {
    pre = splitIdentifiers(opts.name, v, m[4], 'prerelease');
    preNumeric = pre.map((id) => NUMERIC.test(id));
    for (let i = 0; i < pre.length; i++) {
      if (preNumeric[i] && pre[i]!.length > 1 && pre[i]!.startsWith('0')) {
        fail(opts.name, v, `numeric prerelease identifier ${JSON.stringify(pre[i])} has a leading zero`);
      }
    }
  }
  if (m[5] !== undefined) splitIdentifiers(opts.name, v, m[5], 'build');
  return { major: m[1]!, minor: m[2]!, patch: m[3]!, pre, preNumeric, build: m[5] ?? '' };
}

export function compareSemver(a: SemverKey, b: SemverKey): Ordering {
  const core =
    compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch);
  if (core !== 0) return core;
  const ap = a.pre;
  const bp = b.pre;
  // A release sorts after all of its prereleases.
  if (ap.length === 0) return bp.length === 0 ? 0 : 1;
  if (bp.length === 0) return -1;
  const n = Math.min(ap.length, bp.length);
  for (let i = 0; i < n; i++) {
    const an = a.preNumeric[i]!;
    const bn = b.preNumeric[i]!;
    let c: Ordering;
    if (an && bn) c = compareDigits(ap[i]!, bp[i]!);
    else if (an !== bn) c = an ? -1 : 1;
    else c = compareStrings(ap[i]!, bp[i]!);
    if (c !== 0) return c;
  }
  return ap.length === bp.length ? 0 : ap.length < bp.length ? -1 : 1;
}

function semverScheme(name: string, prefix: SemverOptions['prefix']): VersionScheme<SemverKey> {
  const opts: SemverOptions = { name, prefix };
  return { name, parse: (v) => parseSemver(v, opts), compare: compareSemver };
}

export const semver = semverScheme('SEMVER', 'none');
export const npmSemver = semverScheme('npm', 'npm');
export const cratesSemver = semverScheme('crates.io', 'none');
export const goSemver = semverScheme('Go', 'go');
