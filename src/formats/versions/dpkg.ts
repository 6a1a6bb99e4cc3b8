// Debian versions, ordered as dpkg does (lib/dpkg/version.c: parseversion, verrevcmp):
// [epoch:]upstream[-revision]; in each part, runs of non-digits compare character by character
// with `~` before everything (even the end), letters before other characters; runs of digits
// compare numerically. Also used for Ubuntu.

import { InvalidVersionError } from './errors.ts';
import { compareDigits, type Ordering, stripZeros, type VersionScheme } from './scheme.ts';

export interface DpkgKey {
  /** Epoch as digits without leading zeros. */
  readonly epoch: string;
  readonly upstream: string;
  readonly revision: string;
}

const UPSTREAM_CHARS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARS = /^[A-Za-z0-9.+~]*$/;

export function parseDpkg(version: string, name = 'Debian'): DpkgKey {
  const fail = (reason: string): never => {
    throw new InvalidVersionError(name, version, reason);
  };
  const v = version.trim();
  if (v === '') fail('empty version');
  if (/\s/.test(v)) fail('version string has embedded spaces');
  let epoch = '0';
  let rest = v;
  const colon = v.indexOf(':');
  if (colon !== -1) {
    const e = v.slice(0, colon);
    if (e === '') fail('epoch in version is empty');
    if (!/^\d+$/.test(e)) fail('epoch in version is not number');
    if (e.length > 10 || Number(e) > 2147483647) fail('epoch in version is too big');
    epoch = stripZeros(e);
    rest = v.slice(colon + 1);
    if (rest === '') fail('nothing after colon in version number');
  }
  let upstream = rest;
  let revision = '';
  const dash = rest.lastIndexOf('-');
  if (dash !== -1) {
    upstream = rest.slice(0, dash);
    revision = rest.slice(dash + 1);
    if (revision === '') fail('revision number is empty');
  }
  if (upstream === '') fail('version number is empty');
  const first = upstream.charCodeAt(0);
  if (first < 48 || first > 57) fail('version number does not start with digit');
  if (!UPSTREAM_CHARS.test(upstream)) fail('invalid character in version number');
  if (!REVISION_CHARS.test(revision)) fail('invalid character in revision number');
  return { epoch, upstream, revision };
}

function order(c: number): number {
  if (c >= 48 && c <= 57) return 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return c;
  if (c === 126 /* ~ */) return -1;
  return c + 256;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** dpkg's verrevcmp on one part (upstream or revision). NaN code units past the end act as 0. */
export function verrevcmp(a: string, b: string): Ordering {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const ac = i < a.length ? order(a.charCodeAt(i)) : 0;
      const bc = j < b.length ? order(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    while (i < a.length && a.charCodeAt(i) === 48) i++;
    while (j < b.length && b.charCodeAt(j) === 48) j++;
    while (i < a.length && isDigit(a.charCodeAt(i)) && j < b.length && isDigit(b.charCodeAt(j))) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (firstDiff !== 0) return firstDiff < 0 ? -1 : 1;
  }
  return 0;
}

export function compareDpkg(a: DpkgKey, b: DpkgKey): Ordering {
  return (
    compareDigits(a.epoch, b.epoch) || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision)
  );
}

export const debian: VersionScheme<DpkgKey> = {
  name: 'Debian',
  parse: (v) => parseDpkg(v, 'Debian'),
  compare: compareDpkg,
};

export const ubuntu: VersionScheme<DpkgKey> = {
  name: 'Ubuntu',
  parse: (v) => parseDpkg(v, 'Ubuntu'),
  compare: compareDpkg,
};
