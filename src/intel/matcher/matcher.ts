// The in-memory indicator matcher: every live STIX indicator compiled into lookups an observed
// value answers in constant time.
// - exact values in a table per observable type, keyed so that a lookup hashes little and builds
//   no string: IPv4 addresses as uint32, phone numbers as the number their E.164 digits spell, file
//   hashes as bytes (tables.ts), domain names in a table walked from the right that answers exact
//   names and suffixes in one pass (domains.ts), URLs in a table of the same kind (exact values
//   only); IPv6 addresses, e-mail addresses and SMS senders in a Map per type keyed by the
//   canonical value;
// - CIDRs (`ipv4-addr:value = '10.0.0.0/8'`, `ISSUBSET`) in a radix trie (cidr-trie.ts), walked
//   with the same uint32 the exact lookup used;
// - domain suffixes (`domain-name:value LIKE '%.evil.example'`) in the domain table; a suffix that
//   is itself a public suffix (tldts at compile time, private domains included: '%.github.io')
//   would match a whole registry and is not compiled (a warning says so), so a lookup needs no
//   public-suffix list, only the label boundaries;
// - anything else (MATCHES, LIKE that is not a suffix, several objects, negations) is verified by
//   evaluating the pattern (evaluate.ts, linear time) on the candidates found through any indexable
//   comparison, or on every observed object of its type when it has none.
// Indicators carry their validity window and revocation: an expired or revoked one never matches,
// even before the index drops it. Per indicator the columns are typed arrays (the id as 16 bytes),
// so an exact indicator costs its Map entry and a few dozen bytes.
import { getPublicSuffix } from 'tldts';
import { type ObservedObject, evaluateComparison, evaluatePattern } from '../stix/evaluate.ts';
import {
  canonicalHashName,
  type Observable,
  normalizeObservable,
  type ObservableType,
  OBSERVABLE_TYPES,
  parseCidr,
  parseIpv4,
  PHONE_TYPE,
} from '../stix/observables.ts';
import {
  type ComparisonExpression,
  type ObservationExpression,
  PatternError,
  parsePattern,
} from '../stix/pattern.ts';
import { CidrTrie } from './cidr-trie.ts';
import { DomainTable } from './domains.ts';
import { DigitsTable, e164Number, HexTable, NONE, Uint32Table } from './tables.ts';

const KNOWN = new Set<string>(OBSERVABLE_TYPES);

export interface IndicatorInput {
  /** indicator--<uuid> */
  id: string;
  pattern: string;
  /** Milliseconds since the epoch. */
  validFrom: number;
  /** Milliseconds since the epoch; null: no end. */
  validUntil: number | null;
  revoked: boolean;
  /** The caller's handle for the indicator's marking (who may see a hit). */
  marking: number;
  /** The pattern already parsed (by the validator at ingest); parsed here when absent. */
  parsed?: ObservationExpression;
}

export interface MatchHit {
  /** Index of the observable in the input. */
  observable: number;
  /** The matcher's slot of the indicator (idOf, markingOf). */
  indicator: number;
}

type Anchor =
  | { kind: 'exact'; type: ObservableType; value: string }
  | { kind: 'cidr'; family: 4 | 6; bytes: Uint8Array; prefix: number }
  | { kind: 'suffix'; domain: string };

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}
const UUID_BYTES = new Uint8Array(16);

/** The 16 bytes of a STIX id's UUID (`type--xxxxxxxx-xxxx-…`), in a shared buffer; undefined if malformed. */
function uuidBytes(id: string): Uint8Array | undefined {
  const start = id.indexOf('--') + 2;
  if (start < 3 || id.length - start !== 36) return undefined;
  let b = 0;
  for (let i = start; i < id.length; ) {
    const k = i - start;
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (id.charCodeAt(i) !== 45) return undefined;
      i++;
      continue;
    }
    const hi = HEX[id.charCodeAt(i)] ?? -1;
    const lo = HEX[id.charCodeAt(i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return undefined;
    UUID_BYTES[b++] = (hi << 4) | lo;
    i += 2;
  }
  return UUID_BYTES;
}

function exactAnchor(
  type: string,
  steps: readonly unknown[],
  onHash: boolean,
  v: string,
): Anchor | undefined {
  if (onHash) {
    const alg = canonicalHashName(steps[1] as string);
    return /^(MD5|SHA-1|SHA-256|SHA-512)$/.test(alg)
      ? { kind: 'exact', type: 'file', value: v.toLowerCase() }
      : undefined;
  }
  if (type === 'ipv4-addr' || type === 'ipv6-addr') {
    const cidr = parseCidr(v);
    if (!cidr || cidr.family !== (type === 'ipv4-addr' ? 4 : 6)) return undefined;
    const max = cidr.family === 4 ? 32 : 128;
    if (cidr.prefix < max) return { kind: 'cidr', ...cidr };
  }
  const n = normalizeObservable(type as ObservableType, v);
  return n === undefined ? undefined : { kind: 'exact', type: type as ObservableType, value: n };
}

/** The anchors a positive comparison gives, or undefined when it cannot be looked up. */
function anchorsOf(
  c: Extract<ComparisonExpression, { kind: 'compare' }>,
  warnings: string[],
): Anchor[] | undefined {
  if (c.negated) return undefined;
  const { type, steps } = c.path;
  const onValue = steps.length === 1 && steps[0] === 'value' && KNOWN.has(type) && type !== 'file';
  const onHash =
    type === 'file' && steps.length === 2 && steps[0] === 'hashes' && typeof steps[1] === 'string';
  if (!onValue && !onHash) return undefined;
  switch (c.op) {
    case '=': {
      if (Array.isArray(c.value) || c.value.kind !== 'string') return undefined;
      const a = exactAnchor(type, steps, onHash, c.value.value);
      return a ? [a] : undefined;
    }
    case 'IN': {
      const out: Anchor[] = [];
      for (const l of c.value as { kind: string; value: unknown }[]) {
        if (l.kind !== 'string') return undefined;
        const a = exactAnchor(type, steps, onHash, l.value as string);
        if (!a) return undefined;
        out.push(a);
      }
      return out;
    }
    case 'ISSUBSET': {
      if (type !== 'ipv4-addr' && type !== 'ipv6-addr') return undefined;
      const cidr = parseCidr((c.value as { value: string }).value);
      return cidr ? [{ kind: 'cidr', ...cidr }] : undefined;
    }
    case 'LIKE': {
      if (type !== 'domain-name') return undefined;
      const p = (c.value as { value: string }).value.toLowerCase();
      const m = /^%\.([a-z0-9.-]+)$/.exec(p);
      if (!m) return undefined;
      const domain = m[1]!;
      const suffix = getPublicSuffix(domain, { allowPrivateDomains: true });
      if (suffix === domain || !domain.includes('.')) {
        warnings.push(`'${p}' covers the public suffix ${domain}: not matched`);
        return [];
      }
      return [{ kind: 'suffix', domain }];
    }
    default:
      return undefined;
  }
}

/**
 * The anchors of a pattern, and whether they cover it: every set of objects that satisfies the
 * pattern then contains an object that hits one of them. `simple` when any anchor hit is a match.
 */
function compile(
  e: ObservationExpression,
  warnings: string[],
): { anchors: Anchor[]; covered: boolean; simple: boolean; types: Set<string> } {
  const anchors: Anchor[] = [];
  const types = new Set<string>();
  const comp = (c: ComparisonExpression): { covered: boolean; simple: boolean } => {
    if (c.kind === 'exists') {
      types.add(c.path.type);
      return { covered: false, simple: false };
    }
    if (c.kind === 'compare') {
      types.add(c.path.type);
      const a = anchorsOf(c, warnings);
      if (!a) return { covered: false, simple: false };
      anchors.push(...a);
      return { covered: true, simple: true };
    }
    const l = comp(c.left);
    const r = comp(c.right);
    if (c.kind === 'or') return { covered: l.covered && r.covered, simple: l.simple && r.simple };
    return { covered: l.covered || r.covered, simple: false };
  };
  const obs = (o: ObservationExpression): { covered: boolean; simple: boolean } => {
    switch (o.kind) {
      case 'observation':
        return comp(o.comparison);
      case 'qualified':
        obs(o.expression);
        return { covered: false, simple: false };
      case 'or': {
        const l = obs(o.left);
        const r = obs(o.right);
        return { covered: l.covered && r.covered, simple: l.simple && r.simple };
      }
      default: {
        const l = obs(o.left);
        const r = obs(o.right);
        return { covered: l.covered || r.covered, simple: false };
      }
    }
  };
  const r = obs(e);
  return { anchors, covered: r.covered, simple: r.simple, types };
}

/** The observed object an observable stands for, as patterns address it. */
export function observedObject(o: Observable): ObservedObject {
  if (o.type === 'file') {
    const alg = ({ 32: 'MD5', 40: 'SHA-1', 64: 'SHA-256', 128: 'SHA-512' } as Record<number, string>)[
      o.value.length
    ];
    return { type: 'file', hashes: alg ? { [alg]: o.value } : {} };
  }
  return { type: o.type, value: o.value };
}

/** Batches from this many observables have their first table probes read ahead (prefetch). */
const PREFETCH_FROM = 32;

/** Widths in bytes of the hashes a canonical file observable carries (MD5, SHA-1, SHA-256, SHA-512). */
const HASH_WIDTHS = [16, 20, 32, 64] as const;

export class IndicatorMatcher {
  // Exact values by type; a value is a slot, a list (v < 0: lists[-v - 1]) or NONE.
  private ipv4 = new Uint32Table();
  private phones = new DigitsTable();
  private hashes = HASH_WIDTHS.map((w) => new HexTable(w));
  /** Exact domain names and domain suffixes. */
  private domains = new DomainTable();
  /** URLs: a table whose probes the batch can read ahead (exact values only, no suffixes). */
  private urls = new DomainTable();
  /** IPv6 addresses, e-mail addresses, SMS senders. */
  private strings = new Map<string, Map<string, number>>();
  private trie = new CidrTrie();
  /** Slot lists for keys shared by several indicators: a Map value v < 0 is lists[-v - 1]. */
  private lists: number[][] = [];
  private complex = new Map<number, ObservationExpression>();
  /** Indicators without a covering anchor, by object type: evaluated on every object of the type. */
  private scan = new Map<string, Set<number>>();

  private cap = 0;
  private count = 0;
  private live = 0;
  private ids = new Uint8Array(0);
  /**
   * Validity windows side by side, [from, until) of slot s at 2s and 2s + 1, so a hit's liveness is
   * one read of one cache line (a removed slot's from is +Infinity: never live).
   */
  private window = new Float64Array(0);
  private alive = new Uint8Array(0);
  /** 1 when the indicator is verified by evaluating its pattern (it is in `complex`). */
  private verified = new Uint8Array(0);
  private markings = new Int32Array(0);
  /** Open addressing over the id's first 4 bytes (random in a UUIDv4): slot → indicator + 1. */
  private table = new Int32Array(1024);

  /** Live indicators (not replaced or removed; expired ones count until the next rebuild). */
  get size(): number {
    return this.live;
  }

  /** Bytes held in typed arrays (the Maps' share is measured by the benchmark). */
  get typedBytes(): number {
    return (
      this.ids.byteLength +
      this.window.byteLength +
      this.alive.byteLength +
      this.verified.byteLength +
      this.ipv4.bytes +
      this.phones.bytes +
      this.hashes.reduce((a, t) => a + t.bytes, 0) +
      this.domains.bytes +
      this.urls.bytes +
      this.markings.byteLength +
      this.table.byteLength +
      this.trie.bytes
    );
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const ids = new Uint8Array(cap * 16);
    ids.set(this.ids);
    const window = new Float64Array(2 * cap);
    window.set(this.window);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    const verified = new Uint8Array(cap);
    verified.set(this.verified);
    const markings = new Int32Array(cap);
    markings.set(this.markings);
    Object.assign(this, { ids, window, alive, verified, markings, cap });
  }

  private hashSlot(bytes: Uint8Array, offset: number): number {
    return (
      ((bytes[offset]! << 24) |
        (bytes[offset + 1]! << 16) |
        (bytes[offset + 2]! << 8) |
        bytes[offset + 3]!) >>>
      0
    );
  }

  private sameId(slot: number, bytes: Uint8Array): boolean {
    const o = slot * 16;
    for (let i = 0; i < 16; i++) if (this.ids[o + i] !== bytes[i]) return false;
    return true;
  }

  private findSlot(bytes: Uint8Array): number {
    const mask = this.table.length - 1;
    for (let h = this.hashSlot(bytes, 0) & mask; ; h = (h + 1) & mask) {
      const v = this.table[h]!;
      if (v === 0) return -1;
      if (this.alive[v - 1] && this.sameId(v - 1, bytes)) return v - 1;
    }
  }

  private insertTable(slot: number): void {
    if ((this.count + 1) * 2 > this.table.length) {
      const old = this.table;
      this.table = new Int32Array(old.length * 2);
      for (const v of old) if (v !== 0 && this.alive[v - 1]) this.placeTable(v - 1);
    }
    this.placeTable(slot);
  }

  private placeTable(slot: number): void {
    const mask = this.table.length - 1;
    let h = this.hashSlot(this.ids, slot * 16) & mask;
    while (this.table[h] !== 0) h = (h + 1) & mask;
    this.table[h] = slot + 1;
  }

  /** The value of a key that held `v` (NONE: nothing) once `slot` is added to it. */
  private joined(v: number, slot: number): number {
    if (v === NONE || (v >= 0 && !this.alive[v])) return slot;
    if (v >= 0) {
      this.lists.push([v, slot]);
      return -this.lists.length;
    }
    const list = this.lists[-v - 1]!;
    // Drop slots of replaced indicators while the list is touched anyway.
    const kept = list.filter((s) => this.alive[s]);
    kept.push(slot);
    this.lists[-v - 1] = kept;
    return v;
  }

  private addExact(type: ObservableType, value: string, slot: number): void {
    switch (type) {
      case 'ipv4-addr': {
        const n = parseIpv4(value);
        if (n !== undefined) this.ipv4.set(n, this.joined(this.ipv4.get(n), slot));
        return;
      }
      case PHONE_TYPE: {
        const n = e164Number(value);
        if (n >= 0) {
          this.phones.set(n, this.joined(this.phones.get(n), slot));
          return;
        }
        break;
      }
      case 'file': {
        // A canonical file observable is lowercase hex of one of these widths: other values never hit.
        const table = this.hashes.find((t) => t.width * 2 === value.length);
        if (table && /^[0-9a-f]+$/.test(value)) table.set(value, this.joined(table.get(value), slot));
        return;
      }
      case 'domain-name':
        this.domains.setExact(value, this.joined(this.domains.exactOf(value), slot));
        return;
      case 'url':
        this.urls.setExact(value, this.joined(this.urls.exactOf(value), slot));
        return;
    }
    let map = this.strings.get(type);
    if (!map) {
      map = new Map();
      this.strings.set(type, map);
    }
    map.set(value, this.joined(map.get(value) ?? NONE, slot));
  }

  private addTrie(family: 4 | 6, bytes: Uint8Array, prefix: number, slot: number): void {
    // Trie values: -1 none, a slot, or -(1e9 + list number + 1) for several indicators.
    const v = this.trie.get(family, bytes, prefix);
    if (v === -1 || (v >= 0 && !this.alive[v])) this.trie.set(family, bytes, prefix, slot);
    else if (v >= 0) {
      this.lists.push([v, slot]);
      this.trie.set(family, bytes, prefix, -this.lists.length - 1e9);
    } else this.lists[-(v + 1e9) - 1]!.push(slot);
  }

  /**
   * Adds an indicator, replacing an earlier version with the same id. A revoked indicator only
   * removes. Returns warnings (parts of the pattern that will not be matched); throws PatternError.
   */
  put(ind: IndicatorInput): string[] {
    const ast = ind.parsed ?? parsePattern(ind.pattern);
    this.remove(ind.id);
    const bytes = uuidBytes(ind.id);
    if (!bytes) throw new PatternError(`'${ind.id}' is not a STIX identifier`, 1);
    if (ind.revoked) return [];
    const warnings: string[] = [];
    const c = compile(ast, warnings);
    if (this.count === this.cap) this.grow();
    const slot = this.count++;
    this.ids.set(bytes, slot * 16);
    this.window[2 * slot] = ind.validFrom;
    this.window[2 * slot + 1] = ind.validUntil ?? Number.POSITIVE_INFINITY;
    this.alive[slot] = 1;
    this.markings[slot] = ind.marking;
    this.insertTable(slot);
    this.live++;
    this.verified[slot] = c.simple ? 0 : 1;
    if (!c.simple) this.complex.set(slot, ast);
    for (const a of c.anchors) {
      if (a.kind === 'exact') this.addExact(a.type, a.value, slot);
      else if (a.kind === 'suffix')
        this.domains.setSuffix(a.domain, this.joined(this.domains.suffixOf(a.domain), slot));
      else this.addTrie(a.family, a.bytes, a.prefix, slot);
    }
    if (!c.covered) {
      for (const t of c.types) {
        let set = this.scan.get(t);
        if (!set) {
          set = new Set();
          this.scan.set(t, set);
        }
        set.add(slot);
      }
    }
    return warnings;
  }

  /** Removes an indicator by id (a revocation, a replaced version); false when it was not there. */
  remove(id: string): boolean {
    const bytes = uuidBytes(id);
    if (!bytes) return false;
    const slot = this.findSlot(bytes);
    if (slot < 0) return false;
    this.alive[slot] = 0;
    this.window[2 * slot] = Number.POSITIVE_INFINITY;
    this.live--;
    this.complex.delete(slot);
    for (const set of this.scan.values()) set.delete(slot);
    return true;
  }

  idOf(slot: number): string {
    const hex = Buffer.from(this.ids.subarray(slot * 16, slot * 16 + 16)).toString('hex');
    return `indicator--${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  markingOf(slot: number): number {
    return this.markings[slot]!;
  }

  /** Ids of indicators whose validity ended before `now` (for the expiry sweep). */
  expiredIds(now: number): string[] {
    const out: string[] = [];
    for (let s = 0; s < this.count; s++)
      if (this.alive[s] && this.window[2 * s + 1]! <= now) out.push(this.idOf(s));
    return out;
  }

  /** Alive and within its window (a removed slot's window starts at +Infinity). */
  private isLive(slot: number, now: number): boolean {
    const w = this.window;
    return w[2 * slot]! <= now && now < w[2 * slot + 1]!;
  }

  private emit(v: number): void {
    if (v === NONE) return;
    if (v >= 0) this.found(v);
    else for (const s of this.lists[-v - 1]!) this.found(s);
  }

  /**
   * The hits of canonical observables (normalize them first: normalizeObservable). Simple
   * indicators hit on lookup; the others are verified on the whole set of observables.
   */
  match(observables: readonly Observable[], now = Date.now()): MatchHit[] {
    const hits: MatchHit[] = [];
    const candidates = new Map<number, number[]>();
    this.cur = { hits, candidates, now, observable: 0 };
    if (observables.length >= PREFETCH_FROM) this.prefetch(observables);
    for (let i = 0; i < observables.length; i++) {
      const o = observables[i]!;
      this.cur.observable = i;
      this.lookup(o);
      if (this.scan.size === 0) continue;
      const scan = this.scan.get(o.type);
      if (scan) for (const s of scan) if (this.isLive(s, now)) this.addCandidate(candidates, s, i);
    }
    if (candidates.size > 0) {
      const objects = observables.map(observedObject);
      const iso = new Date(now).toISOString();
      for (const [slot, obs] of candidates) {
        const ast = this.complex.get(slot)!;
        if (!evaluatePattern(ast, objects, iso)) continue;
        // Attribute the hit to the observables that satisfy some observation of the pattern.
        const own = [...new Set(obs)].filter((i) => satisfiesAny(ast, objects[i]!));
        for (const i of own.length ? own : [obs[0]!]) hits.push({ observable: i, indicator: slot });
      }
    }
    return hits;
  }

  /** First-probe indexes of the batch in progress, per table (ipv4, phones, 4 hash widths, domains, URLs). */
  private probes = Array.from({ length: 8 }, () => new Int32Array(1024));
  private probeCounts = new Int32Array(8);
  /** What the prefetch loops read, kept so that the reads are not dropped as dead code. */
  private sink = 0;

  /**
   * Brings the cache line of each observable's first table probe in before the lookups: at millions
   * of indicators nearly every probe misses the caches, and a lookup's own work between two misses
   * keeps the core from overlapping them; a tight loop of independent reads over the whole batch
   * overlaps many (the lines of 1,000 probes, 64 KB, then wait in the caches for the lookups). Reads
   * only: the lookups answer exactly as without it. IPv6 addresses, e-mail addresses and SMS senders
   * are in Maps, which JavaScript cannot probe ahead.
   */
  private prefetch(observables: readonly Observable[]): void {
    const counts = this.probeCounts;
    counts.fill(0);
    const put = (t: number, index: number): void => {
      let a = this.probes[t]!;
      if (counts[t] === a.length) {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        this.probes[t] = a = b;
      }
      a[counts[t]!++] = index;
    };
    for (let i = 0; i < observables.length; i++) {
      const o = observables[i]!;
      switch (o.type) {
        case 'ipv4-addr': {
          const n = parseIpv4(o.value);
          if (n !== undefined) put(0, this.ipv4.firstProbe(n));
          break;
        }
        case PHONE_TYPE: {
          const n = e164Number(o.value);
          if (n >= 0) put(1, this.phones.firstProbe(n));
          break;
        }
        case 'file': {
          const w = o.value.length >> 1;
          const t = w === 32 ? 2 : w === 20 ? 1 : w === 16 ? 0 : w === 64 ? 3 : -1;
          if (t >= 0) {
            const index = this.hashes[t]!.firstProbe(o.value);
            if (index >= 0) put(2 + t, index);
          }
          break;
        }
        case 'domain-name':
          put(6, this.domains.firstProbe(o.value));
          break;
        case 'url':
          put(7, this.urls.firstProbe(o.value));
          break;
      }
    }
    let sink = 0;
    const a4 = this.ipv4.probed;
    const i4 = this.probes[0]!;
    for (let k = counts[0]! - 1; k >= 0; k--) sink ^= a4[i4[k]!]!;
    const ap = this.phones.probed;
    const ip = this.probes[1]!;
    for (let k = counts[1]! - 1; k >= 0; k--) sink ^= ap[ip[k]!]! | 0;
    for (let t = 0; t < 4; t++) {
      const ah = this.hashes[t]!.probed;
      const ih = this.probes[2 + t]!;
      for (let k = counts[2 + t]! - 1; k >= 0; k--) sink ^= ah[ih[k]!]!;
    }
    const ad = this.domains.probed;
    const id = this.probes[6]!;
    for (let k = counts[6]! - 1; k >= 0; k--) sink ^= ad[id[k]!]!;
    const au = this.urls.probed;
    const iu = this.probes[7]!;
    for (let k = counts[7]! - 1; k >= 0; k--) sink ^= au[iu[k]!]!;
    this.sink ^= sink;
  }

  /** The state of the match in progress (no closure per observable on the hot path). */
  private cur = { hits: [] as MatchHit[], candidates: new Map<number, number[]>(), now: 0, observable: 0 };

  private found(slot: number): void {
    const c = this.cur;
    if (!this.isLive(slot, c.now)) return;
    // `complex` holds every live verified slot: when it is empty no hit reads `verified`.
    if (this.complex.size !== 0 && this.verified[slot] === 1)
      this.addCandidate(c.candidates, slot, c.observable);
    else c.hits.push({ observable: c.observable, indicator: slot });
  }

  private addCandidate(c: Map<number, number[]>, slot: number, i: number): void {
    const list = c.get(slot);
    if (list) list.push(i);
    else c.set(slot, [i]);
  }

  private lookup(o: Observable): void {
    const value = o.value;
    switch (o.type) {
      case 'ipv4-addr': {
        const n = parseIpv4(value);
        if (n === undefined) return;
        this.emit(this.ipv4.get(n));
        this.trie.lookup4(n, this.emitTrie);
        return;
      }
      case 'domain-name':
        this.domains.lookup(value, this.emitDomain);
        return;
      case 'file': {
        const w = value.length >> 1;
        const table =
          w === 32
            ? this.hashes[2]!
            : w === 20
              ? this.hashes[1]!
              : w === 16
                ? this.hashes[0]!
                : w === 64
                  ? this.hashes[3]!
                  : undefined;
        if (table) this.emit(table.get(value));
        return;
      }
      case PHONE_TYPE: {
        const n = e164Number(value);
        if (n >= 0) this.emit(this.phones.get(n));
        return;
      }
      case 'url':
        this.emit(this.urls.exactOf(value));
        return;
      case 'ipv6-addr': {
        const c = parseCidr(value);
        if (c) this.trie.lookup6(c.bytes, this.emitTrie);
        break;
      }
    }
    const v = this.strings.get(o.type)?.get(value);
    if (v !== undefined) this.emit(v);
  }

  private readonly emitDomain = (v: number): void => this.emit(v);

  private readonly emitTrie = (v: number): void => {
    if (v >= 0) this.found(v);
    else for (const s of this.lists[-(v + 1e9) - 1]!) this.found(s);
  };
}

function satisfiesAny(e: ObservationExpression, obj: ObservedObject): boolean {
  switch (e.kind) {
    case 'observation':
      return evaluateComparison(e.comparison, obj);
    case 'qualified':
      return satisfiesAny(e.expression, obj);
    default:
      return satisfiesAny(e.left, obj) || satisfiesAny(e.right, obj);
  }
}
