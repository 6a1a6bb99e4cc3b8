// NuGet versions, ordered as NuGet.Versioning's VersionComparer (default mode) does: up to four
// numeric parts (missing parts are 0, leading zeros ignored), a release after its prereleases,
// prerelease labels compared one by one — both numeric (Int32) by value, numeric before
// alphanumeric, otherwise ordinal ignoring case — and build metadata ignored.

import { InvalidVersionError } from './errors.ts';
import { compareNumbers, compareStrings, type Ordering, type VersionScheme } from './scheme.ts';

export interface NugetKey {
  readonly parts: readonly [number, number, number, number];
  /** Upper-cased labels (OrdinalIgnoreCase); empty for a release. */
  readonly labels: readonly string[];
  /** Label value when it parses as an Int32, otherwise -1. */
  readonly labelNumbers: readonly number[];
}

const INT32_MAX = 2147483647;
const LABEL = /^[0-9A-Za-z-]+$/;

function int32(s: string): number {
  if (!/^\d+$/.test(s)) return -1;
  const n = Number(s);
  return n <= INT32_MAX ? n : -1;
}

export function parseNuget(input: string): NugetKey {
  const fail = (reason: string): never => {
    throw new InvalidVersionError('NuGet', input, reason);
  };
  const v = input.trim();
  if (v === '') fail('empty version');
  const plus = v.indexOf('+');
  const main = plus === -1 ? v : v.slice(0, plus);
  if (plus !== -1) {
    const meta = v.slice(plus + 1);
    if (meta.split('.').some((m) => !LABEL.test(m))) fail('invalid build metadata');
  }
  const dash = main.indexOf('-');
  const numbers = dash === -1 ? main : main.slice(0, dash);
  const textParts = numbers.split('.');
  if (textParts.length > 4) fail('more than four numeric parts');
  const parts: [number, number, number, number] = [0, 0, 0, 0];
  textParts.forEach((p, i) => {
    const n = int32(p);
    if (n < 0) fail(`numeric part ${JSON.stringify(p)} is not a number from 0 to ${INT32_MAX}`);
    parts[i] = n;
  });
  let labels: string[] = [];
  let labelNumbers: number[] = [];
  if (dash !== -1) {
    const raw = main.slice(dash + 1).split('.');
    for (const l of raw) {
      if (!LABEL.test(l))
        fail(`prerelease label ${JSON.stringify(l)} is empty or has characters outside [0-9A-Za-z-]`);
    }
    labels = raw.map((l) => l.toUpperCase());
    labelNumbers = raw.map(int32);
  }
  return { parts, labels, labelNumbers };
}

export function compareNuget(a: NugetKey, b: NugetKey): Ordering {
  for (let i = 0; i < 4; i++) {
    const c = compareNumbers(a.parts[i]!, b.parts[i]!);
    if (c !== 0) return c;
  }
  if (a.labels.length === 0) return b.labels.length === 0 ? 0 : 1;
  if (b.labels.length === 0) return -1;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const x = a.labelNumbers[i]!;
    const y = b.labelNumbers[i]!;
    let c: Ordering;
    if (x >= 0 && y >= 0) c = compareNumbers(x, y);
    else if (x >= 0 || y >= 0) c = x >= 0 ? -1 : 1;
    else c = compareStrings(a.labels[i]!, b.labels[i]!);
    if (c !== 0) return c;
  }
  return compareNumbers(a.labels.length, b.labels.length);
}

export const nuget: VersionScheme<NugetKey> = {
  name: 'NuGet',
  parse: parseNuget,
  compare: compareNuget,
};
