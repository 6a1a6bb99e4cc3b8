// Random but reproducible version pairs per ecosystem, biased towards the tricky corners (near-equal
// versions, qualifiers, separators, zero padding), and the reference oracles that order them: pypa
// `packaging` (+ pip's vendored packaging 21.3 for legacy versions), `dpkg --compare-versions`, Maven's
// ComparableVersion jar, Ruby's Gem::Version, and node-semver (npm's own implementation) for SemVer.
// Used by generate.ts to write the committed fixtures and by the tests for fresh samples.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeSemver from 'semver';
import { compareVersions, type Ordering } from '../../../src/formats/versions/index.ts';
import { mavenComparable } from '../../../src/formats/versions/maven-comparable.ts';
import { seededRandom } from '../../../src/platform/random.ts';

export type Pair = [string, string];
export type Case = [string, string, Ordering];

const here = new URL('.', import.meta.url).pathname;
export const MAVEN_JAR = '/usr/share/maven/lib/maven-artifact-3.x.jar';
export const OSV_GO_DIR = new URL('../../../../shared/data/osv-go', import.meta.url).pathname;

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rand, p: number) => r() < p;
const int = (r: Rand, max: number) => Math.floor(r() * (max + 1));
const num = (r: Rand) =>
  pick(r, ['0', '0', '1', '1', '2', '3', '9', '10', '11', '00', '01', '20210101', '99999999999999999999']);

function release(r: Rand, min: number, max: number, digits: () => string = () => num(r)): string {
  const n = min + int(r, max - min);
  return Array.from({ length: n }, digits).join('.');
}

// ---- generators (each returns one version; pairs mutate one side to get near-equal cases) ----

function pypiVersion(r: Rand): string {
  if (chance(r, 0.15)) {
    // Not PEP 440: ordered as pip's LegacyVersion.
    const tokens = ['1', '2', '0', '10', '.', '-', '_', 'pre', 'rc', 'dev', 'final', 'foo', 'beta', 'x', 'r'];
    return Array.from({ length: 1 + int(r, 5) }, () => pick(r, tokens)).join('');
  }
  const pyNum = () =>
    pick(r, [
      '0',
      '1',
      '1',
      '2',
      '3',
      '10',
      '00',
      '01',
      '2020',
      '18446744073709551616',
      '18446744073709551617',
    ]);
  let v = (chance(r, 0.1) ? pick(r, ['1!', '0!', '2!']) : '') + release(r, 1, 4, pyNum);
  if (chance(r, 0.05)) v = 'v' + v;
  const sep = () => pick(r, ['', '', '.', '-', '_']);
  if (chance(r, 0.35))
    v +=
      sep() +
      pick(r, ['a', 'b', 'rc', 'alpha', 'beta', 'c', 'pre', 'preview', 'A', 'RC']) +
      (chance(r, 0.8) ? sep() + pyNum() : '');
  if (chance(r, 0.25))
    v += chance(r, 0.3)
      ? '-' + pyNum()
      : sep() + pick(r, ['post', 'rev', 'r', 'POST']) + (chance(r, 0.8) ? sep() + pyNum() : '');
  if (chance(r, 0.25)) v += sep() + pick(r, ['dev', 'DEV']) + (chance(r, 0.8) ? sep() + pyNum() : '');
  if (chance(r, 0.15))
    v += '+' + release(r, 1, 3, () => pick(r, ['ubuntu', 'abc', '1', '2', '10', 'a1', '01', 'Z']));
  return v;
}

function debianVersion(r: Rand): string {
  const piece = () =>
    pick(r, ['0', '1', '2', '10', '01', 'a', 'b', 'rc', 'dfsg', 'git', '~', '~~', '+', '.', 'Z']);
  let upstream = num(r).replace(/^$/, '0');
  for (let i = int(r, 4); i > 0; i--) upstream += pick(r, ['.', '.', '+', '~', '']) + piece();
  let v = (chance(r, 0.15) ? pick(r, ['0:', '1:', '2:', '00:']) : '') + upstream;
  if (chance(r, 0.6)) {
    let rev = pick(r, ['1', '2', '0', '10', '1ubuntu1', '0ubuntu0.1', '1+deb12u1', '1~bpo11+1', 'a']);
    if (chance(r, 0.3)) rev += pick(r, ['~', '+', '.']) + piece().replace(/^[~+.]$/, '1');
    if (chance(r, 0.2)) v += '-' + pick(r, ['1', 'rc1', 'a']); // upstream with a hyphen
    v += '-' + rev;
  }
  return v;
}

function mavenVersion(r: Rand): string {
  const qual = [
    'alpha',
    'beta',
    'milestone',
    'rc',
    'cr',
    'snapshot',
    'SNAPSHOT',
    'ga',
    'final',
    'release',
    'sp',
    'a',
    'b',
    'm',
    'foo',
    'abc',
    'RC',
    'Final',
    'x',
  ];
  const mvNum = () =>
    pick(r, ['0', '1', '1', '2', '10', '01', '000', '1234567890', '12345678901234567890', '2147483648']);
  let v = mvNum();
  for (let i = int(r, 4); i > 0; i--) {
    const sep = pick(r, ['.', '.', '-', '-', '']);
    const tok = chance(r, 0.5) ? mvNum() : pick(r, qual);
    if (sep === '' && /\d$/.test(v) === /^\d/.test(tok)) v += '.' + tok;
    else v += sep + tok;
  }
  if (chance(r, 0.05)) v += pick(r, ['.', '-']);
  return v;
}

function gemVersion(r: Rand): string {
  const seg = () =>
    chance(r, 0.7) ? num(r) : pick(r, ['a', 'b', 'pre', 'rc', 'beta', 'alpha', 'A', 'b1', 'rc2']);
  let v = num(r);
  for (let i = int(r, 4); i > 0; i--) v += '.' + seg();
  if (chance(r, 0.15)) v += '-' + pick(r, ['1', 'rc1', 'beta', 'pre.2', 'x-y']);
  return v;
}

function semverVersion(r: Rand): string {
  const n = () => pick(r, ['0', '1', '1', '2', '10', '11', '123']);
  let v = `${n()}.${n()}.${n()}`;
  if (chance(r, 0.6)) {
    const ids = Array.from({ length: 1 + int(r, 2) }, () =>
      pick(r, ['alpha', 'beta', 'rc', '0', '1', '2', '10', '11', 'x-y', 'alpha1', '1a', 'A', '-', 'b']),
    );
    v += '-' + ids.join('.');
  }
  if (chance(r, 0.15)) v += '+' + pick(r, ['build.1', '001', 'sha.5114f85', 'x']);
  return v;
}

let goVersionsCache: string[] | undefined;
/** Every version named in a range event of the Go vulnerability database. */
export function realGoVersions(): string[] {
  if (goVersionsCache) return goVersionsCache;
  const set = new Set<string>();
  for (const f of readdirSync(OSV_GO_DIR)) {
    if (!f.endsWith('.json')) continue;
    const doc = JSON.parse(readFileSync(join(OSV_GO_DIR, f), 'utf8')) as {
      affected?: { ranges?: { events: Record<string, string>[] }[] }[];
    };
    for (const a of doc.affected ?? []) {
      for (const range of a.ranges ?? []) {
        for (const e of range.events) for (const v of Object.values(e)) if (v !== '0') set.add(v);
      }
    }
  }
  goVersionsCache = [...set].sort();
  return goVersionsCache;
}

function goVersion(r: Rand): string {
  let v: string;
  if (chance(r, 0.6)) v = pick(r, realGoVersions());
  else {
    const base = pick(r, ['0.0.0-', '1.2.4-0.', '1.2.3-pre.0.', '2.0.0-']);
    v =
      base +
      pick(r, ['20191109021931', '20220906165146', '20191109021931']) +
      '-' +
      pick(r, ['daa7c04131f5', 'f3363e06e74c']);
    if (chance(r, 0.3)) v = pick(r, ['2.0.0', '3.1.0', '1.2.4']) + '+incompatible';
  }
  return chance(r, 0.5) ? 'v' + v : v;
}

function nugetVersion(r: Rand): string {
  let v = release(r, 1, 4);
  if (chance(r, 0.4))
    v += '-' + release(r, 1, 2, () => pick(r, ['alpha', 'Beta', 'rc', '1', '2', '10', 'preview-1']));
  if (chance(r, 0.1)) v += '+' + pick(r, ['sha.1', 'build5']);
  return v;
}

function rpmVersion(r: Rand): string {
  const piece = () =>
    pick(r, ['0', '1', '2', '10', '01', 'a', 'b', 'rc', 'el8', 'el8_2', 'git', 'fc38', 'Z']);
  let version = num(r).replace(/^$/, '0');
  for (let i = int(r, 4); i > 0; i--) version += pick(r, ['.', '.', '_', '+', '~', '^', '']) + piece();
  let v = (chance(r, 0.2) ? pick(r, ['0:', '1:', '2:', '10:']) : '') + version;
  if (chance(r, 0.7))
    v += '-' + pick(r, ['1', '2', '10', '1.el8', '3.el8_4.1', '0.1.rc1.fc38', '1~beta', '1^20230101']);
  return v;
}

function mutate(r: Rand, v: string, gen: (r: Rand) => string): string {
  switch (int(r, 5)) {
    case 0:
      return gen(r);
    case 1:
      return v.replace(/\d+(?!.*\d)/, (d) =>
        String(Number(d) + pick(r, [1, -1, 0]) >= 0 ? Number(d) + 1 : 0),
      );
    case 2:
      return v + pick(r, ['.0', '-1', '.1', 'a', '~', '.pre', '-SNAPSHOT', '+x']);
    case 3:
      return v.replace(/[.-]/, pick(r, ['.', '-', '_', '']));
    case 4:
      return v.toUpperCase();
    default:
      return v;
  }
}

export const GENERATORS: Record<string, (r: Rand) => string> = {
  PyPI: pypiVersion,
  Debian: debianVersion,
  Maven: mavenVersion,
  RubyGems: gemVersion,
  npm: semverVersion,
  Go: goVersion,
  'crates.io': semverVersion,
  'Red Hat': rpmVersion,
  // No reference tool for NuGet on this machine: used by the benchmark only.
  NuGet: nugetVersion,
};

/** Pairs for an ecosystem; `valid` filters candidates the reference accepts (and so must we). */
export function samplePairs(
  ecosystem: string,
  seed: number,
  count: number,
  valid: (v: string) => boolean,
): Pair[] {
  const r = seededRandom(seed);
  const gen = GENERATORS[ecosystem]!;
  const out: Pair[] = [];
  for (let guard = 0; out.length < count && guard < count * 50; guard++) {
    const a = gen(r);
    const b = chance(r, 0.1) ? a : mutate(r, a, gen);
    if (valid(a) && valid(b)) out.push(chance(r, 0.5) ? [a, b] : [b, a]);
  }
  return out;
}

// ---- reference oracles ----

function runLines(cmd: string, args: string[], input: string): string[] | null {
  const res = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.error || res.status !== 0) return null;
  return res.stdout.split('\n').filter((l) => l !== '');
}

const toOrdering = (s: string): Ordering => {
  const n = Number(s);
  if (n !== -1 && n !== 0 && n !== 1) throw new Error(`reference printed ${JSON.stringify(s)}`);
  return n;
};

function dpkgValid(v: string): boolean {
  const res = spawnSync('dpkg', ['--compare-versions', v, 'eq', v], { encoding: 'utf8' });
  return res.status === 0 && res.stderr === '';
}

function dpkgCompare(pairs: Pair[]): Ordering[] {
  return pairs.map(([a, b]) => {
    if (spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0) return -1;
    return spawnSync('dpkg', ['--compare-versions', a, 'eq', b]).status === 0 ? 0 : 1;
  });
}

function mavenCompare(pairs: Pair[]): Ordering[] | null {
  // The jar's main compares each argument with the next: pass a1 b1 a2 b2 … and keep every other result.
  const out: Ordering[] = [];
  for (let i = 0; i < pairs.length; i += 500) {
    const chunk = pairs.slice(i, i + 500);
    const lines = runLines(
      'java',
      ['-cp', MAVEN_JAR, 'org.apache.maven.artifact.versioning.ComparableVersion', ...chunk.flat()],
      '',
    );
    if (!lines) return null;
    const results = lines.map((l) => / (<|==|>) /.exec(l)).filter((m) => m !== null);
    for (let j = 0; j < chunk.length; j++) {
      const sym = results[2 * j]![1];
      out.push(sym === '<' ? -1 : sym === '>' ? 1 : 0);
    }
  }
  return out;
}

function rpmCompare(pairs: Pair[]): Ordering[] | null {
  // rpm's Lua interpreter reads the pairs from a file and prints rpm.vercmp for each (rpmverCmp).
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-rpm-'));
  try {
    const file = join(dir, 'pairs.txt');
    writeFileSync(file, pairs.map((p) => p.join('\t')).join('\n') + '\n');
    const script = `%{lua: for l in io.lines("${file}") do local a, b = l:match("^(.-)\t(.*)$"); print(rpm.vercmp(a, b) .. "\\n") end}`;
    const lines = runLines('rpm', ['--eval', script], '');
    return lines ? lines.filter((l) => l.trim() !== '').map((l) => toOrdering(l.trim())) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function has(cmd: string, args: string[]): boolean {
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  return !res.error && res.status === 0;
}

export interface Reference {
  readonly name: string;
  available(): boolean;
  /** Whether the reference accepts the version (generated candidates it rejects are dropped). */
  valid(v: string): boolean;
  compare(pairs: Pair[]): Ordering[] | null;
  /**
   * Our side of the comparison, when it is not the ecosystem's order: Maven's jar checks our port of
   * ComparableVersion (the second reference), while OSV ranges use the specification (maven.ts).
   */
  ours?(a: string, b: string): Ordering;
  /** Ours accepts more than the reference (OSV's lenient SemVer): check only that ours accepts its versions. */
  lenient?: boolean;
}

/** Our answer for a reference pair. */
export function ourOrder(ecosystem: string, a: string, b: string): Ordering {
  const ours = REFERENCES[ecosystem]?.ours;
  return ours ? ours(a, b) : compareVersions(ecosystem, a, b);
}

const stripGo = (v: string) => (v.startsWith('v') ? v.slice(1) : v);

export const REFERENCES: Record<string, Reference> = {
  PyPI: {
    name: 'pypa packaging (PEP 440) + pip._vendor.packaging 21.3 LegacyVersion',
    available: () => has('python3', ['-c', 'import packaging.version, pip._vendor.packaging.version']),
    valid: () => true,
    compare: (pairs) =>
      runLines('python3', [join(here, 'pypi.py')], pairs.map((p) => p.join('\t')).join('\n'))?.map(
        toOrdering,
      ) ?? null,
  },
  Debian: {
    name: 'dpkg --compare-versions',
    available: () => has('dpkg', ['--compare-versions', '1', 'lt', '2']),
    valid: dpkgValid,
    compare: dpkgCompare,
  },
  Maven: {
    name: 'maven-artifact 3.8.x ComparableVersion (checks maven-comparable.ts, the second reference)',
    available: () => existsSync(MAVEN_JAR) && has('java', ['-version']),
    valid: (v) => v.trim() !== '',
    compare: mavenCompare,
    ours: (a, b) => mavenComparable.compare(mavenComparable.parse(a), mavenComparable.parse(b)),
  },
  'Red Hat': {
    name: 'rpm 4.18 (Debian package rpm): rpm.vercmp in its Lua interpreter',
    available: () => has('rpm', ['--eval', '%{lua: print(rpm.vercmp("1", "2"))}']),
    valid: (v) => v !== '' && !/\s/.test(v),
    compare: rpmCompare,
  },
  RubyGems: {
    name: 'Ruby Gem::Version',
    available: () => has('ruby', ['-e', 'require "rubygems"']),
    valid: (v) => /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(v),
    compare: (pairs) =>
      runLines('ruby', [join(here, 'gem.rb')], pairs.map((p) => p.join('\t')).join('\n'))?.map(toOrdering) ??
      null,
  },
  npm: {
    name: 'node-semver (npm)',
    lenient: true,
    available: () => true,
    valid: (v) => nodeSemver.valid(v) !== null && !v.startsWith('v'),
    compare: (pairs) => pairs.map(([a, b]) => nodeSemver.compare(a, b) as Ordering),
  },
  'crates.io': {
    name: "node-semver (SemVer 2.0 order; Cargo's semver crate is not on the machine)",
    lenient: true,
    available: () => true,
    valid: (v) => nodeSemver.valid(v) !== null && /^\d/.test(v),
    compare: (pairs) => pairs.map(([a, b]) => nodeSemver.compare(a, b) as Ordering),
  },
  Go: {
    name: 'node-semver on the version without its v prefix (Go module versions are SemVer 2.0)',
    lenient: true,
    available: () => true,
    valid: (v) => nodeSemver.valid(stripGo(v)) !== null && /^v?\d/.test(v),
    compare: (pairs) => pairs.map(([a, b]) => nodeSemver.compare(stripGo(a), stripGo(b)) as Ordering),
  },
};

/** Pairs of an ecosystem ordered by its reference, or null when the reference is not on this machine. */
export function referenceCases(ecosystem: string, seed: number, count: number): Case[] | null {
  const ref = REFERENCES[ecosystem]!;
  if (!ref.available()) return null;
  const pairs = samplePairs(ecosystem, seed, count, (v) => ref.valid(v));
  const orders = ref.compare(pairs);
  if (!orders) return null;
  return pairs.map(([a, b], i) => [a, b, orders[i]!]);
}
