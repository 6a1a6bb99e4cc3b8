// Exact domain names and domain suffixes in one open-addressing table, looked up in one pass over
// the observed name from its last character to its first: the hash of every tail of the name is
// known when the walk reaches the start of that tail, so each label boundary costs one probe and
// no string is sliced or hashed again (a Map would need d.slice(i) and a fresh hash per label).
// The name itself is looked up for exact values, each tail after a dot for suffixes
// ('a.b.evil.example' tries 'b.evil.example', 'evil.example', 'example'). Which suffixes may be
// compiled at all (not a public suffix) is decided at compile time by the matcher, so a lookup
// needs no public-suffix list.
import { NONE } from './tables.ts';

/** FNV-1a step over one character code, the walk going right to left. */
const step = (h: number, c: number): number => Math.imul(h ^ c, 16777619);
const SEED = 2166136261 | 0;
/** Final mix, so that tails differing only in their first characters spread over the table. */
const finish = (h: number): number => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

function hashOf(s: string): number {
  let h = SEED;
  for (let i = s.length - 1; i >= 0; i--) h = step(h, s.charCodeAt(i));
  return finish(h);
}

/** Most labels a lookup reports (a DNS name has at most 127). */
const MAX_LABELS = 128;

export class DomainTable {
  /** Pairs: entry + 1 (0: empty) and the entry's hash, so a probe that misses reads no entry. */
  private table = new Int32Array(2048);
  private shift = 22;
  private keys: string[] = [];
  private hashes = new Uint32Array(64);
  private exact = new Int32Array(64).fill(NONE);
  private suffix = new Int32Array(64).fill(NONE);
  /** Values found by the lookup in progress, to report them most specific first. */
  private found = new Int32Array(MAX_LABELS + 1);

  get size(): number {
    return this.keys.length;
  }

  get bytes(): number {
    return this.table.byteLength + this.hashes.byteLength + this.exact.byteLength + this.suffix.byteLength;
  }

  /** The entry of a name or suffix, or -1. */
  private entry(s: string, h: number): number {
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    const hh = h | 0;
    for (let i = h >>> this.shift; ; i = (i + 1) & mask) {
      const t = table[2 * i]!;
      if (t === 0) return -1;
      if (table[2 * i + 1] === hh && this.keys[t - 1] === s) return t - 1;
    }
  }

  private entryOrNew(s: string): number {
    const h = hashOf(s);
    const e = this.entry(s, h);
    if (e >= 0) return e;
    const n = this.keys.length;
    if (n === this.hashes.length) {
      const grow = <T extends Uint32Array | Int32Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.hashes = grow(this.hashes, new Uint32Array(n * 2));
      this.exact = grow(this.exact, new Int32Array(n * 2).fill(NONE));
      this.suffix = grow(this.suffix, new Int32Array(n * 2).fill(NONE));
    }
    this.keys.push(s);
    this.hashes[n] = h;
    if ((n + 1) * 4 > this.table.length) {
      this.table = new Int32Array(this.table.length * 2);
      this.shift--;
      for (let e2 = 0; e2 < n; e2++) this.place(e2);
    }
    this.place(n);
    return n;
  }

  private place(e: number): void {
    const mask = (this.table.length >> 1) - 1;
    const h = this.hashes[e]!;
    let i = h >>> this.shift;
    while (this.table[2 * i] !== 0) i = (i + 1) & mask;
    this.table[2 * i] = e + 1;
    this.table[2 * i + 1] = h | 0;
  }

  get probed(): Int32Array {
    return this.table;
  }

  /** The index of the whole name's probe in `probed` (the tails' entries are few and stay cached). */
  firstProbe(name: string): number {
    return 2 * (hashOf(name) >>> this.shift);
  }

  exactOf(name: string): number {
    const e = this.entry(name, hashOf(name));
    return e < 0 ? NONE : this.exact[e]!;
  }

  suffixOf(domain: string): number {
    const e = this.entry(domain, hashOf(domain));
    return e < 0 ? NONE : this.suffix[e]!;
  }

  // entryOrNew may grow the arrays: index them only after it (`this.exact[this.entryOrNew(…)]`
  // would write to the array it replaced).
  setExact(name: string, value: number): void {
    const e = this.entryOrNew(name);
    this.exact[e] = value;
  }

  setSuffix(domain: string, value: number): void {
    const e = this.entryOrNew(domain);
    this.suffix[e] = value;
  }

  /**
   * Calls `emit` with the exact value of a canonical domain name, then the suffix values of its
   * tails from the longest to the shortest (each value that is not NONE).
   */
  lookup(d: string, emit: (v: number) => void): void {
    if (this.keys.length === 0) return;
    const found = this.found;
    let n = 0;
    let h = SEED;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    for (let k = d.length - 1; k >= 0; k--) {
      h = step(h, d.charCodeAt(k));
      if (k > 0 && d.charCodeAt(k - 1) !== 46) continue;
      // d[k..] is a whole tail: probe for it.
      const fh = finish(h);
      const hh = fh | 0;
      const len = d.length - k;
      for (let i = fh >>> this.shift; ; i = (i + 1) & mask) {
        const t = table[2 * i]!;
        if (t === 0) break;
        if (table[2 * i + 1] !== hh) continue;
        const e = t - 1;
        const key = this.keys[e]!;
        if (key.length !== len || !(k === 0 ? key === d : d.endsWith(key))) continue;
        const v = k === 0 ? this.exact[e]! : this.suffix[e]!;
        if (v !== NONE && n < found.length) found[n++] = v;
        break;
      }
    }
    // Found right to left: report the name itself first, then the longer tails.
    for (let i = n - 1; i >= 0; i--) emit(found[i]!);
  }
}
