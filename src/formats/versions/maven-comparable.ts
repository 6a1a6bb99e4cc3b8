// Maven versions as Maven itself orders them: org.apache.maven.artifact.versioning.ComparableVersion as shipped in
// maven-artifact 3.8.x (the jar the fixtures are generated with). A version is a tree of items:
// integers (int / long / BigInteger by digit count, each kind comparing as Maven's does), string
// qualifiers (alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp <
// anything unknown, unknown ones lexically), and sub-lists opened by `-` and by digit/letter
// transitions. Trailing "null" items (0, "", empty lists) are normalized away.
// Not the order OSV ranges use (that is maven.ts, the specification as OSV implements it): kept as the
// second reference, tested against the jar, with the cases where the two disagree in docs/exposures.md.

import { compareDigits, compareStrings, type Ordering, type VersionScheme } from './scheme.ts';
import { InvalidVersionError } from './errors.ts';

const INT = 3;
const LONG = 4;
const BIGINT = 0;
const STRING = 1;
const LIST = 2;

interface NumberItem {
  readonly type: typeof INT | typeof LONG | typeof BIGINT;
  /** Digits without leading zeros ("0" for zero). */
  readonly digits: string;
}
interface StringItem {
  readonly type: typeof STRING;
  readonly value: string;
  /** ComparableVersion.comparableQualifier(value), precomputed. */
  readonly qualifier: string;
}
interface ListItem {
  readonly type: typeof LIST;
  readonly items: MavenItem[];
}
type MavenItem = NumberItem | StringItem | ListItem;

export type MavenComparableKey = ListItem;

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_VERSION_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i === -1 ? `${QUALIFIERS.length}-${q}` : String(i);
}

function stringItem(value: string, followedByDigit: boolean): StringItem {
  let v = value;
  if (followedByDigit && v.length === 1) {
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  v = ALIASES[v] ?? v;
  return { type: STRING, value: v, qualifier: comparableQualifier(v) };
}

function numberItem(buf: string): NumberItem {
  // stripLeadingZeroes keeps an all-zero string as it is; its length picks the item kind.
  let i = 0;
  while (i < buf.length && buf.charCodeAt(i) === 48) i++;
  const stripped = i === buf.length ? buf : buf.slice(i);
  const type = stripped.length <= 9 ? INT : stripped.length <= 18 ? LONG : BIGINT;
  return { type, digits: i === buf.length ? '0' : stripped };
}

function parseItem(isDigit: boolean, buf: string): MavenItem {
  return isDigit ? numberItem(buf) : stringItem(buf, false);
}

function isNull(item: MavenItem): boolean {
  switch (item.type) {
    case STRING:
      return item.qualifier === RELEASE_VERSION_INDEX;
    case LIST:
      return item.items.length === 0;
    default:
      return item.digits === '0';
  }
}

function normalize(list: ListItem): void {
  const items = list.items;
  for (let i = items.length - 1; i >= 0; i--) {
    const last = items[i]!;
    if (isNull(last)) items.splice(i, 1);
    else if (last.type !== LIST) break;
  }
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function parseMavenComparable(version: string): MavenComparableKey {
  if (version.trim() === '') throw new InvalidVersionError('Maven', version, 'empty version');
  const v = version.toLowerCase();
  const root: ListItem = { type: LIST, items: [] };
  let list = root;
  const stack: ListItem[] = [root];
  let isDigit = false;
  let start = 0;
  const open = () => {
    const next: ListItem = { type: LIST, items: [] };
    list.items.push(next);
    list = next;
    stack.push(next);
  };
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 46 /* . */) {
      list.items.push(i === start ? numberItem('0') : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
    } else if (c === 45 /* - */) {
      list.items.push(i === start ? numberItem('0') : parseItem(isDigit, v.slice(start, i)));
      start = i + 1;
      open();
    } else if (isAsciiDigit(c)) {
      if (!isDigit && i > start) {
        // 1.0.0.X1 < 1.0.0-X2: a qualifier after `.` opens a sub-list as if it followed `-`.
        if (list.items.length > 0) open();
        list.items.push(stringItem(v.slice(start, i), true));
        start = i;
        open();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, v.slice(start, i)));
        start = i;
        open();
      }
      isDigit = false;
    }
  }
  if (v.length > start) {
    if (!isDigit && list.items.length > 0) open(); // the same rule for a trailing qualifier
    list.items.push(parseItem(isDigit, v.slice(start)));
  }
  while (stack.length > 0) normalize(stack.pop()!);
  return root;
}

/** Item.compareTo(other), where other === null stands for a missing item. */
function compareItem(a: MavenItem, b: MavenItem | null): Ordering {
  switch (a.type) {
    case INT:
    case LONG:
    case BIGINT:
      if (b === null) return a.digits === '0' ? 0 : 1;
      if (b.type === STRING || b.type === LIST) return 1; // 1.1 > 1-sp, 1.1 > 1-1
      if (a.type === b.type) return compareDigits(a.digits, b.digits);
      return a.type === INT || (a.type === LONG && b.type === BIGINT) ? -1 : 1;
    case STRING:
      if (b === null) return compareStrings(a.qualifier, RELEASE_VERSION_INDEX); // 1-rc < 1, 1-ga > 1
      if (b.type === STRING) return compareStrings(a.qualifier, b.qualifier);
      return -1; // 1.any < 1.1, 1.any < 1-1
    case LIST: {
      if (b === null) {
        // MNG-6964: the whole list is compared with null, not just its first item.
        for (const item of a.items) {
          const c = compareItem(item, null);
          if (c !== 0) return c;
        }
        return 0;
      }
      if (b.type === STRING) return 1; // 1-1 > 1-sp
      if (b.type !== LIST) return -1; // 1-1 < 1.0.x
      const n = Math.max(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        const l = a.items[i] ?? null;
        const r = b.items[i] ?? null;
        // If this side is shorter, compare the other way round and negate.
        const c = l === null ? (r === null ? 0 : negate(compareItem(r, null))) : compareItem(l, r);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

function negate(c: Ordering): Ordering {
  return c === 0 ? 0 : c === 1 ? -1 : 1;
}

/** Maven's canonical form of a parsed version (ComparableVersion.getCanonical()), for display and tests. */
export function mavenCanonical(key: MavenComparableKey): string {
  const out: string[] = [];
  const items = key.items;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (i > 0) out.push(item.type === LIST ? '-' : '.');
    out.push(item.type === LIST ? mavenCanonical(item) : item.type === STRING ? item.value : item.digits);
  }
  return out.join('');
}

export const mavenComparable: VersionScheme<MavenComparableKey> = {
  name: 'Maven',
  parse: parseMavenComparable,
  compare: (a, b) => compareItem(a, b),
};
