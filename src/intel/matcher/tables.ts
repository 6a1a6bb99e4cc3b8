// Open-addressing hash tables over typed arrays for the matcher's keys of fixed width, so that an
// exact indicator costs a few typed-array slots instead of a Map entry and a string, and a lookup
// hashes a few bytes of the observed value instead of the whole string:
// - Uint32Table: IPv4 addresses as unsigned 32-bit integers;
// - DigitsTable: E.164 phone numbers as the number their digits spell (at most 15 digits, exact in
//   a double);
// - HexTable: file hashes of one length as their bytes (the first four bytes of a cryptographic
//   hash are as good a hash as any), compared against the observed hex text without decoding it
//   into a buffer first.
// Each probe reads one array: keys (or their first 32 bits) sit beside the values or entries, so a
// miss costs one cache line, which is what decides the speed once the index is far larger than
// the caches. Keys are never deleted: the matcher marks the indicator's slot dead and reuses the key's value.
// Values are int32; NONE marks an empty cell (and is what get answers for a missing key).

export const NONE = -2147483648;

const MIN_BITS = 10;

/**
 * IPv4 address (uint32) → int32. Fibonacci hashing, linear probing, load at most one half; key and
 * value side by side in one array, so a probe touches one cache line.
 */
export class Uint32Table {
  private cells = Uint32Table.empty(1 << MIN_BITS);
  private shift = 32 - MIN_BITS;
  private count = 0;

  private static empty(n: number): Int32Array {
    const cells = new Int32Array(2 * n);
    for (let i = 1; i < cells.length; i += 2) cells[i] = NONE;
    return cells;
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.cells.byteLength;
  }

  /** The array a probe reads, and the index of a key's first probe in it (see IndicatorMatcher.prefetch). */
  get probed(): Int32Array {
    return this.cells;
  }

  firstProbe(key: number): number {
    return 2 * (Math.imul(key, 0x9e3779b1) >>> this.shift) + 1;
  }

  get(key: number): number {
    const cells = this.cells;
    const k = key | 0;
    const mask = (cells.length >> 1) - 1;
    for (let h = Math.imul(key, 0x9e3779b1) >>> this.shift; ; h = (h + 1) & mask) {
      const v = cells[2 * h + 1]!;
      if (v === NONE || cells[2 * h] === k) return v;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 4 > this.cells.length) this.grow();
    const cells = this.cells;
    const k = key | 0;
    const mask = (cells.length >> 1) - 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (cells[2 * h + 1] !== NONE && cells[2 * h] !== k) h = (h + 1) & mask;
    if (cells[2 * h + 1] === NONE) this.count++;
    cells[2 * h] = k;
    cells[2 * h + 1] = value;
  }

  private grow(): void {
    const old = this.cells;
    this.cells = Uint32Table.empty(old.length);
    this.shift--;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== NONE) this.set(old[i]! >>> 0, old[i + 1]!);
  }
}

/**
 * The number an E.164 text ('+' and 1 to 15 digits, the first not 0) spells, or -1 when the text
 * is not one. Distinct E.164 texts give distinct numbers (no leading zero, under 2^53).
 */
export function e164Number(s: string): number {
  const len = s.length;
  if (len < 2 || len > 16 || s.charCodeAt(0) !== 43) return -1;
  let n = 0;
  for (let i = 1; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (i === 1 && d === 0)) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** E.164 phone numbers (as e164Number gives them) → int32; key and value side by side. */
export class DigitsTable {
  private cells = DigitsTable.empty(1 << MIN_BITS);
  private count = 0;

  private static empty(n: number): Float64Array {
    const cells = new Float64Array(2 * n);
    for (let i = 1; i < cells.length; i += 2) cells[i] = NONE;
    return cells;
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.cells.byteLength;
  }

  private static hash(n: number): number {
    // Low 32 bits and the rest, mixed.
    const lo = n >>> 0;
    const hi = (n / 4294967296) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
  }

  get probed(): Float64Array {
    return this.cells;
  }

  firstProbe(key: number): number {
    return 2 * (DigitsTable.hash(key) & ((this.cells.length >> 1) - 1)) + 1;
  }

  get(key: number): number {
    const cells = this.cells;
    const mask = (cells.length >> 1) - 1;
    for (let h = DigitsTable.hash(key) & mask; ; h = (h + 1) & mask) {
      const v = cells[2 * h + 1]!;
      if (v === NONE || cells[2 * h] === key) return v;
    }
  }

  set(key: number, value: number): void {
    if ((this.count + 1) * 4 > this.cells.length) this.grow();
    const cells = this.cells;
    const mask = (cells.length >> 1) - 1;
    let h = DigitsTable.hash(key) & mask;
    while (cells[2 * h + 1] !== NONE && cells[2 * h] !== key) h = (h + 1) & mask;
    if (cells[2 * h + 1] === NONE) this.count++;
    cells[2 * h] = key;
    cells[2 * h + 1] = value;
  }

  private grow(): void {
    const old = this.cells;
    this.cells = DigitsTable.empty(old.length);
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== NONE) this.set(old[i]!, old[i + 1]!);
  }
}

/** Value of a lowercase hex digit's char code, -1 for anything else (canonical hashes are lowercase). */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

/** The first 32 bits of a lowercase hex text (at least 8 digits), or -1 when one is not a digit. */
function head32(s: string): number {
  let h = 0;
  for (let i = 0; i < 8; i++) {
    const c = s.charCodeAt(i);
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return -1;
    h = (h << 4) | d;
  }
  return h >>> 0;
}

/**
 * Hashes of one width (bytes) as their bytes → int32. The table holds entry numbers + 1; entry e's
 * bytes are bytes[e * width …] and its value values[e].
 */
export class HexTable {
  /** Pairs: entry + 1 (0: empty) and the entry's first 32 bits, so a miss reads no entry. */
  private table = new Int32Array(2 << MIN_BITS);
  private pool: Uint8Array;
  private values: Int32Array;
  private count = 0;
  private shift = 32 - MIN_BITS;

  constructor(readonly width: number) {
    this.pool = new Uint8Array(64 * width);
    this.values = new Int32Array(64).fill(NONE);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.table.byteLength + this.pool.byteLength + this.values.byteLength;
  }

  /** Whether entry e holds the hex text s (of length 2 * width). */
  private same(e: number, s: string): boolean {
    const o = e * this.width;
    for (let i = 0; i < this.width; i++) {
      const hi = s.charCodeAt(2 * i);
      const lo = s.charCodeAt(2 * i + 1);
      const b = ((hi < 128 ? HEX[hi]! : -1) << 4) | (lo < 128 ? HEX[lo]! : -1);
      if (b !== this.pool[o + i]) return false;
    }
    return true;
  }

  /** The entry of a lowercase hex text of this width, or -1. */
  private find(s: string, h32: number): number {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const head = h32 | 0;
    for (let h = Math.imul(h32, 0x9e3779b1) >>> this.shift; ; h = (h + 1) & mask) {
      const t = table[2 * h]!;
      if (t === 0) return -1;
      if (table[2 * h + 1] === head && this.same(t - 1, s)) return t - 1;
    }
  }

  get probed(): Int32Array {
    return this.table;
  }

  /** The index of a hex text's first probe in `probed`, or -1 when it is not hex of this width. */
  firstProbe(s: string): number {
    if (s.length !== 2 * this.width) return -1;
    const h32 = head32(s);
    return h32 < 0 ? -1 : 2 * (Math.imul(h32, 0x9e3779b1) >>> this.shift);
  }

  /** The value of a hex text (NONE when absent, or when it is not lowercase hex of this width). */
  get(s: string): number {
    if (s.length !== 2 * this.width) return NONE;
    const h32 = head32(s);
    if (h32 < 0) return NONE;
    const e = this.find(s, h32);
    return e < 0 ? NONE : this.values[e]!;
  }

  /** Sets the value of a lowercase hex text of this width (the caller checked it). */
  set(s: string, value: number): void {
    const h32 = head32(s);
    if (s.length !== 2 * this.width || h32 < 0) throw new Error(`not a ${this.width}-byte hex hash: ${s}`);
    const found = this.find(s, h32);
    if (found >= 0) {
      this.values[found] = value;
      return;
    }
    if (this.count === this.values.length) {
      const pool = new Uint8Array(this.pool.length * 2);
      pool.set(this.pool);
      this.pool = pool;
      const values = new Int32Array(this.values.length * 2).fill(NONE);
      values.set(this.values);
      this.values = values;
    }
    if ((this.count + 1) * 4 > this.table.length) this.grow();
    const e = this.count++;
    const o = e * this.width;
    for (let i = 0; i < this.width; i++)
      this.pool[o + i] = (HEX[s.charCodeAt(2 * i)]! << 4) | HEX[s.charCodeAt(2 * i + 1)]!;
    this.values[e] = value;
    this.place(e, h32);
  }

  private place(e: number, h32: number): void {
    const mask = (this.table.length >> 1) - 1;
    let h = Math.imul(h32, 0x9e3779b1) >>> this.shift;
    while (this.table[2 * h] !== 0) h = (h + 1) & mask;
    this.table[2 * h] = e + 1;
    this.table[2 * h + 1] = h32 | 0;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.shift--;
    for (let e = 0; e < this.count; e++) {
      const o = e * this.width;
      const h32 =
        ((this.pool[o]! << 24) | (this.pool[o + 1]! << 16) | (this.pool[o + 2]! << 8) | this.pool[o + 3]!) >>>
        0;
      this.place(e, h32);
    }
  }
}
