// OSV `affected[]` evaluation, compiled once per advisory: the `versions` list, then SEMVER and
// ECOSYSTEM ranges evaluated as the OSV schema's reference pseudo-code says (events sorted by
// version, "0" first; introduced inclusive, fixed exclusive, last_affected inclusive; `limit`
// events bound the range from above). GIT ranges are skipped. Problems (unknown ecosystem,
// unparsable bounds, unknown range types) are reported on the matcher, never thrown at match time.

import { findVersionOrder, type VersionOrder } from './ecosystems.ts';
import { InvalidVersionError } from './errors.ts';

/** One event of an OSV range as the OSV schema spells it: exactly one of the fields is set. */
export interface OsvSchemaEvent {
  readonly introduced?: string;
  readonly fixed?: string;
  readonly last_affected?: string;
  readonly limit?: string;
}

/** The same event as the advisory import converter (src/advisories/import/osv.ts) returns it. */
export interface OsvKindEvent {
  readonly kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  readonly version: string;
}

export type OsvEvent = OsvSchemaEvent | OsvKindEvent;

export interface OsvRange {
  readonly type: string;
  readonly repo?: string;
  readonly events: readonly OsvEvent[];
  readonly database_specific?: Readonly<Record<string, unknown>>;
}

/** The part of an OSV 1.6 `affected[]` entry that decides which versions are affected. */
export interface OsvAffected {
  readonly package?: { readonly ecosystem: string; readonly name: string; readonly purl?: string };
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
  readonly ecosystem_specific?: Readonly<Record<string, unknown>>;
  readonly database_specific?: Readonly<Record<string, unknown>>;
}

const INVALID = Symbol('invalid version');

/**
 * A version read once and reused against many matchers (an index checks one component against
 * every advisory of its package): its key is parsed lazily, once per version order.
 */
export class ParsedVersion {
  #order: VersionOrder | undefined;
  #key: unknown;
  #other: Map<VersionOrder, unknown> | undefined;
  /** Why the version could not be read in some order, when it could not. */
  invalid: string | undefined;

  constructor(readonly version: string) {}

  /** The key in this order, or undefined when the version is not valid in it. */
  keyIn(order: VersionOrder): unknown {
    let key: unknown;
    if (order === this.#order) key = this.#key;
    else if (this.#other?.has(order)) key = this.#other.get(order);
    else {
      try {
        key = order.parse(this.version);
      } catch (err) {
        if (!(err instanceof InvalidVersionError)) throw err;
        key = INVALID;
        this.invalid = err.message;
      }
      if (this.#order === undefined) {
        this.#order = order;
        this.#key = key;
      } else {
        this.#other ??= new Map();
        this.#other.set(order, key);
      }
    }
    return key === INVALID ? undefined : key;
  }
}

export interface AffectedMatcher {
  readonly ecosystem: string;
  /** Why some ranges were skipped (empty when every SEMVER/ECOSYSTEM range compiled). */
  readonly problems: readonly string[];
  /** Number of SEMVER and ECOSYSTEM ranges that compiled. */
  readonly rangeCount: number;
  isAffected(version: string): boolean;
  /** isAffected for a version parsed once and shared between matchers. */
  matches(version: ParsedVersion): boolean;
  /** Like isAffected, also saying when the version could not be read in a range's order. */
  evaluate(version: string): { affected: boolean; invalid?: string };
}

enum Kind {
  Introduced,
  Fixed,
  LastAffected,
  Limit,
}

interface CompiledEvent {
  readonly kind: Kind;
  /** null: introduced "0" (below everything) or limit "*" (above everything). */
  readonly key: unknown;
}

interface CompiledRange {
  readonly order: VersionOrder;
  readonly events: readonly CompiledEvent[];
  readonly limits: readonly CompiledEvent[];
}

const KIND_OF = {
  introduced: Kind.Introduced,
  fixed: Kind.Fixed,
  last_affected: Kind.LastAffected,
  limit: Kind.Limit,
};

function readEvent(e: OsvEvent): { kind: Kind; value: string } | string {
  if ('kind' in e) {
    const kind = KIND_OF[e.kind];
    if (kind === undefined || typeof e.version !== 'string')
      return `an event has an unknown kind ${JSON.stringify(e.kind)}`;
    return { kind, value: e.version };
  }
  const found: { kind: Kind; value: string }[] = [];
  if (e.introduced !== undefined) found.push({ kind: Kind.Introduced, value: e.introduced });
  if (e.fixed !== undefined) found.push({ kind: Kind.Fixed, value: e.fixed });
  if (e.last_affected !== undefined) found.push({ kind: Kind.LastAffected, value: e.last_affected });
  if (e.limit !== undefined) found.push({ kind: Kind.Limit, value: e.limit });
  if (found.length !== 1) return `an event must have exactly one of introduced, fixed, last_affected, limit`;
  return found[0]!;
}

function compileRange(order: VersionOrder, range: OsvRange): CompiledRange | string {
  const events: CompiledEvent[] = [];
  for (const raw of range.events) {
    const e = readEvent(raw);
    if (typeof e === 'string') return e;
    if (e.kind === Kind.Introduced && e.value === '0') events.push({ kind: e.kind, key: null });
    else if (e.kind === Kind.Limit && e.value === '*') events.push({ kind: e.kind, key: null });
    else {
      try {
        events.push({ kind: e.kind, key: order.parse(e.value) });
      } catch (err) {
        if (err instanceof InvalidVersionError) return err.message;
        throw err;
      }
    }
  }
  // Stable sort by version: introduced "0" first, limit "*" last.
  const rank = (e: CompiledEvent) => (e.key !== null ? 0 : e.kind === Kind.Introduced ? -1 : 1);
  events.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== 0 || rb !== 0) return ra - rb;
    return order.compare(a.key, b.key);
  });
  return {
    order,
    events: events.filter((e) => e.kind !== Kind.Limit),
    limits: events.filter((e) => e.kind === Kind.Limit),
  };
}

function includedInRange(range: CompiledRange, v: unknown): boolean {
  const cmp = range.order.compare;
  let vulnerable = false;
  for (const e of range.events) {
    if (e.kind === Kind.Introduced) {
      if (e.key === null || cmp(v, e.key) >= 0) vulnerable = true;
    } else if (e.kind === Kind.Fixed) {
      if (cmp(v, e.key) >= 0) vulnerable = false;
    } else if (cmp(v, e.key) > 0) {
      vulnerable = false;
    }
  }
  return vulnerable;
}

function beforeLimits(range: CompiledRange, v: unknown): boolean {
  if (range.limits.length === 0) return true;
  for (const l of range.limits) {
    if (l.key === null || range.order.compare(v, l.key) < 0) return true;
  }
  return false;
}

/** SEMVER ranges use the ecosystem's SemVer flavour (Go's optional `v`, npm's `v`/`=`), else strict SemVer. */
function semverOrderFor(ecosystemOrder: VersionOrder | undefined): VersionOrder {
  if (ecosystemOrder && ['npm', 'Go', 'crates.io'].includes(ecosystemOrder.name)) return ecosystemOrder;
  return findVersionOrder('SEMVER')!;
}

export function compileAffected(affected: OsvAffected): AffectedMatcher {
  const ecosystem = affected.package?.ecosystem ?? '';
  const ecosystemOrder = ecosystem === '' ? undefined : findVersionOrder(ecosystem);
  const problems: string[] = [];
  const ranges: CompiledRange[] = [];
  (affected.ranges ?? []).forEach((range, i) => {
    let order: VersionOrder | undefined;
    if (range.type === 'GIT') return;
    if (range.type === 'SEMVER') order = semverOrderFor(ecosystemOrder);
    else if (range.type === 'ECOSYSTEM') {
      order = ecosystemOrder;
      if (!order) {
        problems.push(
          `range ${i}: no version order for ecosystem ${JSON.stringify(ecosystem)}; range skipped`,
        );
        return;
      }
    } else {
      problems.push(`range ${i}: unknown range type ${JSON.stringify(range.type)}; range skipped`);
      return;
    }
    const compiled = compileRange(order, range);
    if (typeof compiled === 'string') problems.push(`range ${i}: ${compiled}; range skipped`);
    else ranges.push(compiled);
  });
  const listed = new Set(affected.versions ?? []);

  function matches(parsed: ParsedVersion): boolean {
    if (listed.has(parsed.version)) return true;
    for (const range of ranges) {
      const key = parsed.keyIn(range.order);
      if (key !== undefined && includedInRange(range, key) && beforeLimits(range, key)) return true;
    }
    return false;
  }

  function evaluate(version: string): { affected: boolean; invalid?: string } {
    const parsed = new ParsedVersion(version);
    const affected = matches(parsed);
    return affected || parsed.invalid === undefined ? { affected } : { affected, invalid: parsed.invalid };
  }

  return {
    ecosystem,
    problems,
    rangeCount: ranges.length,
    isAffected: (version) => matches(new ParsedVersion(version)),
    matches,
    evaluate,
  };
}
