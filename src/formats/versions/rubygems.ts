// RubyGems versions, ordered as Gem::Version#<=> does (rubygems/version.rb): a `-` becomes
// `.pre.`, segments are runs of digits (numbers) or letters (strings), trailing zeros of the
// numeric part and of the string part are dropped ("canonical segments"), a string segment sorts
// before a number, and a missing segment counts as 0. A platform suffix from a gem file name
// (`1.0.0-x86_64-linux`, `1.0.0-java`) is not part of the version: Gem::Version would read it as a
// prerelease, so it is stripped before comparing and kept aside.

import { InvalidVersionError } from './errors.ts';
import { compareDigits, compareStrings, type Ordering, stripZeros, type VersionScheme } from './scheme.ts';

export interface GemKey {
  /** Canonical segments: digit strings without leading zeros are numbers, others strings. */
  readonly segments: readonly string[];
  readonly numeric: readonly boolean[];
  readonly prerelease: boolean;
  /** Platform stripped from the version, or '' for a pure-Ruby gem. */
  readonly platform: string;
}

const VERSION = /^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

// Gem::Platform names: single words, or CPU-OS[-VERSION] with a known CPU.
const PLATFORM_WORDS = /^(?:java|jruby|dalvik\d*|dotnet|mswin32|mswin64|mingw32|mingw|ruby|universal)$/;
const PLATFORM_CPU =
  /^(?:x86_64|x86|x64|amd64|i[3-6]86|arm64|aarch64|arm|armv\d+[a-z]*|universal|powerpc|powerpc64|powerpc64le|ppc|ppc64|ppc64le|s390|s390x|sparc|sparcv9|sparc64|mips|mipsel|mips64|mips64el|riscv64|loongarch64|wasm32|ia64)-[a-z]/;

/** Splits `version-platform` into its parts; the platform is '' when there is none. */
export function splitGemPlatform(v: string): { version: string; platform: string } {
  // Platform names are short: only the last few dash-separated suffixes can be one.
  let dash = v.indexOf('-', Math.max(0, v.length - 64));
  while (dash !== -1) {
    const suffix = v.slice(dash + 1).toLowerCase();
    if (PLATFORM_WORDS.test(suffix) || PLATFORM_CPU.test(suffix)) {
      return { version: v.slice(0, dash), platform: v.slice(dash + 1) };
    }
    dash = v.indexOf('-', dash + 1);
  }
  return { version: v, platform: '' };
}

export function parseGem(input: string): GemKey {
  const trimmed = input.trim();
  if (trimmed === '') throw new InvalidVersionError('RubyGems', input, 'empty version');
  const { version, platform } = splitGemPlatform(trimmed);
  if (!VERSION.test(version)) {
    throw new InvalidVersionError('RubyGems', input, 'Malformed version number string (Gem::Version)');
  }
  const v = version.replaceAll('-', '.pre.');
  const raw = v.match(/[0-9]+|[a-z]+/gi) ?? [];
  const isNum = raw.map((s) => /^\d/.test(s));
  // _split_segments: numeric segments before the first string, then the rest; each loses trailing zeros.
  let firstString = isNum.indexOf(false);
  if (firstString === -1) firstString = raw.length;
  const segments: string[] = [];
  const numeric: boolean[] = [];
  const pushTrimmed = (from: number, to: number) => {
    let end = to;
    while (end > from && isNum[end - 1] && stripZeros(raw[end - 1]!) === '0') end--;
    for (let i = from; i < end; i++) {
      segments.push(isNum[i] ? stripZeros(raw[i]!) : raw[i]!);
      numeric.push(isNum[i]!);
    }
  };
  pushTrimmed(0, firstString);
  pushTrimmed(firstString, raw.length);
  return { segments, numeric, prerelease: /[a-zA-Z]/.test(v), platform };
}

export function compareGem(a: GemKey, b: GemKey): Ordering {
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const l = a.segments[i] ?? '0';
    const r = b.segments[i] ?? '0';
    const ln = i < a.segments.length ? a.numeric[i]! : true;
    const rn = i < b.segments.length ? b.numeric[i]! : true;
    if (ln !== rn) return ln ? 1 : -1;
    const c = ln ? compareDigits(l, r) : compareStrings(l, r);
    if (c !== 0) return c;
  }
  return 0;
}

export const rubygems: VersionScheme<GemKey> = {
  name: 'RubyGems',
  parse: parseGem,
  compare: compareGem,
};
