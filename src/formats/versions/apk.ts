// Alpine package versions, ordered as apk-tools does (src/version.c: get_token, next_token,
// apk_version_compare_blob; the format is doc/apk-package.5's
// number{.number}...{letter}{_suffix{number}}...{-r#}). A version is read as a stream of typed
// tokens — digits, a digit run after '.' (whose leading zeros count against it: 1.05 < 1.5), one
// lower-case letter, suffixes (_alpha < _beta < _pre < _rc < none < _cvs < _svn < _git < _hg < _p)
// and their numbers, the -r revision — and two versions compare token by token while the token kinds
// agree. When one ends or changes kind first, a pre-release suffix makes it older, otherwise the one
// whose next token is of the later kind (the end being the latest) is older. A version apk-tools
// would not validate is refused. Numbers are compared at any size (apk-tools' int would overflow
// past 2^31). Also used for Wolfi and Chainguard, which OSV orders the same way.

import { InvalidVersionError } from './errors.ts';
import type { Ordering, VersionScheme } from './scheme.ts';

const INVALID = -1;
const DIGIT_OR_ZERO = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const REVISION_NO = 5;
const END = 6;

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

export interface ApkKey {
  /** types[k]: the kind under which token k was read; types has one more entry (END) than values. */
  readonly types: readonly number[];
  readonly values: readonly bigint[];
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;

export function parseApk(version: string, name = 'Alpine'): ApkKey {
  const fail = (reason: string): never => {
    throw new InvalidVersionError(name, version, reason);
  };
  const s = version;
  if (s === '') fail('empty version');
  const types: number[] = [];
  const values: bigint[] = [];
  let type = DIGIT;
  let pos = 0;
  // next_token: the kind of what follows, consuming a separator ('.', '_', '-r').
  const nextToken = () => {
    let n = INVALID;
    if (pos >= s.length) n = END;
    else {
      const c = s.charCodeAt(pos);
      if ((type === DIGIT || type === DIGIT_OR_ZERO) && isLower(c)) n = LETTER;
      else if (type === LETTER && isDigit(c)) n = DIGIT;
      else if (type === SUFFIX && isDigit(c)) n = SUFFIX_NO;
      else {
        if (c === 46 /* . */) n = DIGIT_OR_ZERO;
        else if (c === 95 /* _ */) n = SUFFIX;
        else if (c === 45 /* - */ && s.charCodeAt(pos + 1) === 114 /* r */) {
          n = REVISION_NO;
          pos++;
        }
        pos++;
      }
    }
    if (
      n < type &&
      !(
        (n === DIGIT_OR_ZERO && type === DIGIT) ||
        (n === SUFFIX && type === SUFFIX_NO) ||
        (n === DIGIT && type === LETTER)
      )
    )
      n = INVALID;
    type = n;
  };
  while (type !== END) {
    if (type === INVALID) fail(`not a valid apk version near position ${pos + 1}`);
    let i = pos;
    let v = 0n;
    let next = INVALID;
    const readDigits = () => {
      const start = i;
      while (i < s.length && isDigit(s.charCodeAt(i))) i++;
      v = i > start ? BigInt(s.slice(start, i)) : 0n;
    };
    switch (type) {
      case DIGIT_OR_ZERO:
        if (s.charCodeAt(i) === 48) {
          // Leading zeros after a dot count against the component: 1.05 < 1.5, 1.005 < 1.05.
          while (i < s.length && s.charCodeAt(i) === 48) i++;
          v = BigInt(-(i - pos));
          next = DIGIT;
        } else readDigits();
        break;
      case DIGIT:
      case SUFFIX_NO:
      case REVISION_NO:
        readDigits();
        break;
      case LETTER:
        v = BigInt(s.charCodeAt(i));
        i++;
        break;
      case SUFFIX: {
        const rest = s.slice(i);
        const pre = PRE_SUFFIXES.findIndex((x) => rest.startsWith(x));
        const post = pre === -1 ? POST_SUFFIXES.findIndex((x) => rest.startsWith(x)) : -1;
        if (pre === -1 && post === -1) fail(`unknown suffix near position ${pos + 1}`);
        v = pre !== -1 ? BigInt(pre - PRE_SUFFIXES.length) : BigInt(post);
        i += pre !== -1 ? PRE_SUFFIXES[pre]!.length : POST_SUFFIXES[post]!.length;
        break;
      }
    }
    types.push(type);
    values.push(v);
    pos = i;
    if (pos >= s.length) type = END;
    else if (next !== INVALID) type = next;
    else nextToken();
  }
  types.push(END);
  return { types, values };
}

export function compareApk(a: ApkKey, b: ApkKey): Ordering {
  let k = 0;
  let at = a.types[0]!;
  let bt = b.types[0]!;
  let av = 0n;
  let bv = 0n;
  while (at === bt && at !== END && av === bv) {
    av = a.values[k]!;
    bv = b.values[k]!;
    k++;
    at = a.types[k]!;
    bt = b.types[k]!;
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (at === bt) return 0;
  // Equal so far: the longer one is newer unless what it continues with is a pre-release suffix.
  if (at === SUFFIX && a.values[k]! < 0n) return -1;
  if (bt === SUFFIX && b.values[k]! < 0n) return 1;
  if (at > bt) return -1;
  if (bt > at) return 1;
  return 0;
}

/** apk-tools' order under an OSV ecosystem name (Alpine, Wolfi, Chainguard). */
export function apkOrder(name: string): VersionScheme<ApkKey> {
  return { name, parse: (v) => parseApk(v, name), compare: compareApk };
}

export const apk = apkOrder('Alpine');
