// PyPI versions: PEP 440 order exactly as pypa `packaging` implements it (epoch, release with
// trailing zeros ignored, pre/post/dev, local segments), plus the order pip's old LegacyVersion
// (packaging < 22, e.g. pip._vendor.packaging 21.3) gave to strings that are not PEP 440: every
// legacy version sorts before every PEP 440 version and legacy versions compare by setuptools'
// legacy key. PEP 503 name normalization lives here too.

import {
  compareDigits,
  compareNumbers,
  compareStrings,
  type Ordering,
  stripZeros,
  type VersionScheme,
} from './scheme.ts';

export interface Pep440Key {
  readonly legacy: false;
  // Numbers are digit strings without leading zeros: Python ints have no size limit.
  readonly epoch: string;
  /** Release numbers with trailing zeros removed (so 1.0 == 1). */
  readonly release: readonly string[];
  /** Pre-release phase rank: -2 = dev-only sentinel (sorts first), 0 a, 1 b, 2 rc, 3 = none (final). */
  readonly preRank: number;
  readonly preNum: string;
  /** null when absent (sorts before any post release). */
  readonly post: string | null;
  /** null when absent (a dev release sorts before the same version without .dev). */
  readonly dev: string | null;
  /** Local segments (numeric ones sort after strings); null when absent. */
  readonly local: readonly string[] | null;
  readonly localNumeric: readonly boolean[];
}

export interface LegacyKey {
  readonly legacy: true;
  readonly parts: readonly string[];
}

export type PypiKey = Pep440Key | LegacyKey;

// packaging's VERSION_PATTERN, anchored as Version() does (case-insensitive, surrounding blanks allowed).
const PEP440 = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

/** Returns the PEP 440 key, or null when the string is not a PEP 440 version. */
export function parsePep440(v: string): Pep440Key | null {
  const m = PEP440.exec(v);
  if (!m) return null;
  const g = m.groups!;
  const release = g['release']!.split('.').map(stripZeros);
  let end = release.length;
  while (end > 0 && release[end - 1] === '0') end--;
  release.length = end;
  let preRank = 3;
  let preNum = '0';
  if (g['pre_l'] !== undefined) {
    preRank = PRE_RANK[g['pre_l'].toLowerCase()]!;
    preNum = stripZeros(g['pre_n'] ?? '0');
  }
  const post = g['post'] !== undefined ? stripZeros(g['post_n1'] ?? g['post_n2'] ?? '0') : null;
  const dev = g['dev'] !== undefined ? stripZeros(g['dev_n'] ?? '0') : null;
  // packaging: a dev release of a final version (no pre, no post) sorts before its pre-releases.
  if (g['pre_l'] === undefined && g['post'] === undefined && g['dev'] !== undefined) preRank = -2;
  let local: string[] | null = null;
  let localNumeric: boolean[] = [];
  if (g['local'] !== undefined) {
    const segments = g['local'].split(/[-_.]/);
    localNumeric = segments.map((x) => /^\d+$/.test(x));
    local = segments.map((x, i) => (localNumeric[i] ? stripZeros(x) : x.toLowerCase()));
  }
  const epoch = stripZeros(g['epoch'] ?? '0');
  return { legacy: false, epoch, release, preRank, preNum, post, dev, local, localNumeric };
}

// pip's old LegacyVersion (packaging 21.3 version.py, _parse_version_parts / _legacy_cmpkey).
const LEGACY_COMPONENT = /\d+|[a-z]+|\.|-/g;
const LEGACY_REPLACE: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

function legacyParts(s: string): string[] {
  const raw: string[] = [];
  let last = 0;
  LEGACY_COMPONENT.lastIndex = 0;
  for (let m = LEGACY_COMPONENT.exec(s); m !== null; m = LEGACY_COMPONENT.exec(s)) {
    raw.push(s.slice(last, m.index), m[0]);
    last = m.index + m[0].length;
  }
  raw.push(s.slice(last));
  const out: string[] = [];
  for (let part of raw) {
    part = LEGACY_REPLACE[part] ?? part;
    if (part === '' || part === '.') continue;
    const c = part.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(part.padStart(8, '0'));
    else out.push('*' + part);
  }
  out.push('*final');
  return out;
}

export function parseLegacy(v: string): LegacyKey {
  const parts: string[] = [];
  for (const part of legacyParts(v.toLowerCase())) {
    if (part.startsWith('*')) {
      if (part < '*final') {
        while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      }
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return { legacy: true, parts };
}

function compareDigitLists(a: readonly string[], b: readonly string[]): Ordering {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return compareNumbers(a.length, b.length);
}

/** Optional numbers: `absent` says where a missing one sorts (-1 first, 1 last). */
function compareOptional(a: string | null, b: string | null, absent: Ordering): Ordering {
  if (a === null) return b === null ? 0 : absent;
  if (b === null) return absent === 1 ? -1 : 1;
  return compareDigits(a, b);
}

function compareLocal(a: Pep440Key, b: Pep440Key): Ordering {
  const x = a.local;
  const y = b.local;
  if (x === null) return y === null ? 0 : -1;
  if (y === null) return 1;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const xn = a.localNumeric[i]!;
    const yn = b.localNumeric[i]!;
    let c: Ordering;
    if (xn) c = yn ? compareDigits(x[i]!, y[i]!) : 1;
    else c = yn ? -1 : compareStrings(x[i]!, y[i]!);
    if (c !== 0) return c;
  }
  return compareNumbers(x.length, y.length);
}

export function comparePypi(a: PypiKey, b: PypiKey): Ordering {
  if (a.legacy || b.legacy) {
    if (!a.legacy) return 1;
    if (!b.legacy) return -1;
    const n = Math.min(a.parts.length, b.parts.length);
    for (let i = 0; i < n; i++) {
      const c = compareStrings(a.parts[i]!, b.parts[i]!);
      if (c !== 0) return c;
    }
    return compareNumbers(a.parts.length, b.parts.length);
  }
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareDigitLists(a.release, b.release) ||
    compareNumbers(a.preRank, b.preRank) ||
    compareDigits(a.preNum, b.preNum) ||
    compareOptional(a.post, b.post, -1) ||
    compareOptional(a.dev, b.dev, 1) ||
    compareLocal(a, b)
  );
}

export const pypi: VersionScheme<PypiKey> = {
  name: 'PyPI',
  parse: (v) => parsePep440(v) ?? parseLegacy(v),
  compare: comparePypi,
};

/** PEP 503 normalized project name: runs of `-`, `_`, `.` become one `-`, lower case. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
