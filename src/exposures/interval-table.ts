// A package's advisories folded into one sorted table of version boundaries, so that the
// advisories affecting a version are found with one parse and one binary search instead of
// evaluating every advisory's ranges. The table gives, for each boundary and each gap between
// boundaries, the advisories whose OSV ranges cover it; it is computed with the OSV schema's own
// sequential event evaluation (events sorted by version, introduced "0" first, limit "*" last;
// introduced and fixed fire at equality, last_affected only above). Packages whose ranges use more
// than one version order (a PyPI package with SEMVER and ECOSYSTEM ranges) get no table; the
// index falls back to the compiled matchers for them.
import { findVersionOrder, InvalidVersionError, type VersionOrder } from '../formats/versions/index.ts';

export interface TableEvent {
  kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  version: string;
}

export interface TableInput {
  advisory: string;
  ecosystem: string;
  ranges: { type: string; events: TableEvent[] }[];
  versions: string[];
}

/** The order a range is evaluated in, as compileAffected chooses it (undefined: range skipped). */
export function rangeOrder(ecosystem: string, type: string): VersionOrder | undefined {
  const ecosystemOrder = findVersionOrder(ecosystem);
  if (type === 'SEMVER')
    return ecosystemOrder && ['npm', 'Go', 'crates.io'].includes(ecosystemOrder.name)
      ? ecosystemOrder
      : findVersionOrder('SEMVER');
  if (type === 'ECOSYSTEM') return ecosystemOrder;
  return undefined;
}

const NONE: readonly string[] = Object.freeze([]);
/** What ParsedVersions gives for a version its order cannot read. */
export const UNREADABLE = Symbol('unreadable version');

/**
 * Versions parsed during one matching pass, per version order: an SBOM names the same version
 * string in many packages (5,000 synthetic Go components: 2,520 package versions, 1,123 version
 * strings), and parsing is most of a cold lookup. Made afresh for each pass, so it holds no more
 * than the pass's own versions.
 */
export class ParsedVersions {
  private readonly byOrder = new Map<VersionOrder, Map<string, unknown>>();
  /** The order asked last and its keys: one SBOM's packages mostly share one order. */
  private lastOrder: VersionOrder | undefined;
  private lastKeys: Map<string, unknown> | undefined;

  /** The version's key in the order, or UNREADABLE when the order cannot read it. */
  key(order: VersionOrder, version: string): unknown {
    let keys = order === this.lastOrder ? this.lastKeys : this.byOrder.get(order);
    if (!keys) {
      keys = new Map();
      this.byOrder.set(order, keys);
    }
    this.lastOrder = order;
    this.lastKeys = keys;
    const known = keys.get(version);
    if (known !== undefined || keys.has(version)) return known;
    let k: unknown;
    try {
      k = order.parse(version);
    } catch (err) {
      if (!(err instanceof InvalidVersionError)) throw err;
      k = UNREADABLE;
    }
    keys.set(version, k);
    return k;
  }
}

interface ParsedEvent {
  kind: TableEvent['kind'];
  /** Index into the boundary list; -1 for introduced "0" and limit "*". */
  at: number;
  open: boolean;
}

/** The OSV evaluation of one range for one class (equal to a boundary, or strictly between two). */
function affectedAt(c: number, events: ParsedEvent[], limits: ParsedEvent[]): boolean {
  const equalTo = c % 2 === 1 ? (c - 1) / 2 : -1;
  const below = c % 2 === 0 ? c / 2 : -1; // number of boundaries strictly below the class
  const lt = (at: number) => (equalTo >= 0 ? at < equalTo : at < below); // bound < version
  const eq = (at: number) => equalTo >= 0 && at === equalTo; // bound == version
  let vulnerable = false;
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (e.open || lt(e.at) || eq(e.at)) vulnerable = true;
    } else if (e.kind === 'fixed') {
      if (lt(e.at) || eq(e.at)) vulnerable = false;
    } else if (lt(e.at)) vulnerable = false;
  }
  if (!vulnerable) return false;
  return limits.length === 0 || limits.some((l) => l.open || !(lt(l.at) || eq(l.at)));
}

/** The OSV evaluation order of a range's events: by version, introduced "0" first and limit "*" last, stable. */
function evaluationRank(e: ParsedEvent): number {
  return !e.open ? 0 : e.kind === 'introduced' ? -1 : 1;
}

function byEvaluationOrder(a: ParsedEvent, b: ParsedEvent): number {
  const ra = evaluationRank(a);
  const rb = evaluationRank(b);
  if (ra !== 0 || rb !== 0) return ra - rb;
  return a.at - b.at;
}

function byNumber(a: number, b: number): number {
  return a - b;
}

export class IntervalTable {
  private constructor(
    private readonly order: VersionOrder | undefined,
    private readonly keys: unknown[],
    /** Class 2i+1 is "equal to keys[i]"; class 2i is "between keys[i-1] and keys[i]" (0: below all). */
    private readonly classes: (readonly string[])[],
    private readonly listed: Map<string, string[]>,
  ) {}

  /** The advisories affecting a version (parsed through `parsed` when given). */
  lookup(version: string, parsed?: ParsedVersions): readonly string[] {
    const exact = this.listed.size > 0 ? this.listed.get(version) : undefined;
    const fromRanges = this.rangeLookup(version, parsed);
    if (!exact) return fromRanges;
    if (fromRanges.length === 0) return exact;
    return [...new Set([...fromRanges, ...exact])];
  }

  private rangeLookup(version: string, parsed?: ParsedVersions): readonly string[] {
    if (!this.order) return NONE;
    // A version the order cannot read is in no range, even one that starts at "0".
    let v: unknown;
    if (parsed) {
      v = parsed.key(this.order, version);
      if (v === UNREADABLE) return NONE;
    } else
      try {
        v = this.order.parse(version);
      } catch (err) {
        if (err instanceof InvalidVersionError) return NONE;
        throw err;
      }
    if (this.keys.length === 0) return this.classes[0]!;
    let lo = 0;
    let hi = this.keys.length;
    const cmp = this.order.compare;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(this.keys[mid], v);
      if (c === 0) return this.classes[2 * mid + 1]!;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    return this.classes[2 * lo]!;
  }

  /** Builds the table, or returns undefined when the ranges do not share one version order. */
  static build(entries: readonly TableInput[]): IntervalTable | undefined {
    let order: VersionOrder | undefined;
    const listed = new Map<string, string[]>();
    // Parse every range once; a range with an unreadable bound is skipped, as compileAffected does.
    const ranges: { advisory: string; raw: { kind: TableEvent['kind']; key: unknown; open: boolean }[] }[] =
      [];
    for (const e of entries) {
      for (const v of e.versions) {
        const list = listed.get(v) ?? [];
        if (!list.includes(e.advisory)) list.push(e.advisory);
        listed.set(v, list);
      }
      for (const r of e.ranges) {
        if (r.type === 'GIT') continue;
        const o = rangeOrder(e.ecosystem, r.type);
        if (!o) continue;
        if (order && o !== order) return undefined;
        order = o;
        const raw: { kind: TableEvent['kind']; key: unknown; open: boolean }[] = [];
        let ok = true;
        for (const ev of r.events) {
          if (ev.kind === 'introduced' && ev.version === '0')
            raw.push({ kind: ev.kind, key: null, open: true });
          else if (ev.kind === 'limit' && ev.version === '*')
            raw.push({ kind: ev.kind, key: null, open: true });
          else {
            try {
              raw.push({ kind: ev.kind, key: o.parse(ev.version), open: false });
            } catch (err) {
              if (!(err instanceof InvalidVersionError)) throw err;
              ok = false;
              break;
            }
          }
        }
        if (ok) ranges.push({ advisory: e.advisory, raw });
      }
    }
    if (!order) return new IntervalTable(undefined, [], [NONE], listed);
    const cmp = order.compare;
    // The boundaries: every bound of every range, sorted, equal ones merged.
    const all = ranges.flatMap((r) => r.raw.filter((e) => !e.open).map((e) => e.key));
    all.sort(cmp);
    const keys: unknown[] = [];
    for (const k of all) if (keys.length === 0 || cmp(keys[keys.length - 1], k) !== 0) keys.push(k);
    const indexOf = (k: unknown): number => {
      let lo = 0;
      let hi = keys.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const c = cmp(keys[mid], k);
        if (c === 0) return mid;
        if (c < 0) lo = mid + 1;
        else hi = mid - 1;
      }
      throw new Error('boundary not found');
    };
    const classCount = 2 * keys.length + 1;
    const sets: string[][] = Array.from({ length: classCount }, () => []);
    for (const r of ranges) {
      const sorted: ParsedEvent[] = [];
      for (const e of r.raw) sorted.push({ kind: e.kind, at: e.open ? -1 : indexOf(e.key), open: e.open });
      sorted.sort(byEvaluationOrder);
      const events: ParsedEvent[] = [];
      const limits: ParsedEvent[] = [];
      for (const e of sorted) (e.kind === 'limit' ? limits : events).push(e);
      // The state only changes at this range's own bounds: evaluate it at those classes and just
      // after them, and let it hold until the next such class.
      const marks: number[] = [0];
      for (const e of sorted) if (!e.open) marks.push(2 * e.at + 1, 2 * e.at + 2);
      marks.sort(byNumber);
      const starts: number[] = [];
      for (const c of marks) if (c < classCount && c !== starts[starts.length - 1]) starts.push(c);
      for (let k = 0; k < starts.length; k++) {
        const c = starts[k]!;
        if (!affectedAt(c, events, limits)) continue;
        const end = k + 1 < starts.length ? starts[k + 1]! : classCount;
        for (let x = c; x < end; x++) {
          const set = sets[x]!;
          // An advisory's ranges are folded one after the other: checking the last entry suffices.
          if (set[set.length - 1] !== r.advisory) set.push(r.advisory);
        }
      }
    }
    return new IntervalTable(
      order,
      keys,
      sets.map((s) => (s.length ? s : NONE)),
      listed,
    );
  }
}
