// The shape every ecosystem's version order takes: parse a version once into a key, then compare
// keys as often as needed. Matchers precompile range bounds into keys; `compare` must not allocate.

export type Ordering = -1 | 0 | 1;

export interface VersionScheme<K> {
  /** Name used in error messages (the OSV ecosystem family, e.g. "PyPI"). */
  readonly name: string;
  /** Parses a version; throws InvalidVersionError when the ecosystem defines no order for it. */
  parse(version: string): K;
  compare(a: K, b: K): Ordering;
}

/** Compares two strings of decimal digits without leading zeros by numeric value. */
export function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain code-unit string comparison (what Java's String.compareTo and Python's str order give for BMP text). */
export function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumbers(a: number, b: number): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Strips leading zeros from a digit string ("007" → "7", "000" → "0"). */
export function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

/** Whether a version has blanks or control characters (no ecosystem publishes such a version). */
export function hasBlankOrControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 32 || c === 127 || c === 0xa0 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}
