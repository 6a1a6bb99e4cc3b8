// RPM versions (Red Hat and the other RPM distributions OSV lists), ordered as rpm 4.18 does:
// rpmverParse splits [epoch:]version[-release] (epoch: the leading digits when a ':' follows them;
// release: after the last '-'), rpmverCmp (what `rpm.vercmp` answers) compares epochs (missing = 0),
// then versions, then releases (missing = empty, so 1.0 < 1.0-1), each part with rpmvercmp (rpmio/rpmvercmp.c): separators
// (anything but ASCII letters, digits, '~' and '^') are skipped, '~' sorts before everything (even
// the end), '^' after the end but before anything else, then alternating runs of digits (compared by
// value, and newer than letters) and of letters (compared bytewise); whoever has characters left wins.

import { InvalidVersionError } from './errors.ts';
import { hasBlankOrControl, type Ordering, type VersionScheme } from './scheme.ts';

export interface RpmKey {
  /** The epoch text ("0" when absent). */
  readonly epoch: string;
  readonly version: string;
  /** Empty when the version has no '-'. */
  readonly release: string;
}

export function parseRpm(evr: string, name = 'Red Hat'): RpmKey {
  if (evr === '') throw new InvalidVersionError(name, evr, 'empty version');
  if (hasBlankOrControl(evr))
    throw new InvalidVersionError(name, evr, 'blanks or control characters in the version');
  let s = 0;
  while (s < evr.length && isDigit(evr.charCodeAt(s))) s++;
  let epoch = '0';
  let rest = evr;
  if (evr.charCodeAt(s) === 58 /* : */) {
    epoch = s === 0 ? '0' : evr.slice(0, s);
    rest = evr.slice(s + 1);
  }
  const dash = rest.lastIndexOf('-');
  const version = dash === -1 ? rest : rest.slice(0, dash);
  const release = dash === -1 ? '' : rest.slice(dash + 1);
  return { epoch, version, release };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const TILDE = 126;
const CARET = 94;

/** rpmvercmp(a, b). */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const at = (s: string, k: number) => (k < s.length ? s.charCodeAt(k) : 0);
  while (i < a.length || j < b.length) {
    while (
      i < a.length &&
      !isDigit(at(a, i)) &&
      !isAlpha(at(a, i)) &&
      at(a, i) !== TILDE &&
      at(a, i) !== CARET
    )
      i++;
    while (
      j < b.length &&
      !isDigit(at(b, j)) &&
      !isAlpha(at(b, j)) &&
      at(b, j) !== TILDE &&
      at(b, j) !== CARET
    )
      j++;
    const ca = at(a, i);
    const cb = at(b, j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (ca === 0) return -1;
      if (cb === 0) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === 0 || cb === 0) break;
    const numeric = isDigit(ca);
    const same = numeric ? isDigit : isAlpha;
    let ei = i;
    let ej = j;
    while (ei < a.length && same(a.charCodeAt(ei))) ei++;
    while (ej < b.length && same(b.charCodeAt(ej))) ej++;
    // A numeric segment is newer than an alphabetic one.
    if (ej === j) return numeric ? 1 : -1;
    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

export function compareRpm(a: RpmKey, b: RpmKey): Ordering {
  return rpmvercmp(a.epoch, b.epoch) || rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release);
}

/** rpm's order under an OSV ecosystem name (Red Hat, Rocky Linux, AlmaLinux, openSUSE, SUSE). */
export function rpmOrder(name: string): VersionScheme<RpmKey> {
  return { name, parse: (v) => parseRpm(v, name), compare: compareRpm };
}

export const rpm = rpmOrder('Red Hat');
