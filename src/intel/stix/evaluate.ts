// Evaluation of a parsed STIX pattern against a set of observed objects (STIX 2.1 9.x semantics,
// without the time of observation: WITHIN and REPEATS are not enforced on a set of observables,
// FOLLOWEDBY is read as AND, START/STOP is the window in which the pattern applies). LIKE is a
// linear wildcard match and MATCHES runs on RE2 (re2js), so no input can make a pattern take
// exponential time. Known observable values compare in canonical form (observables.ts).
import { RE2JS } from 're2js';
import {
  canonicalHashName,
  type Cidr,
  normalizeObservable,
  OBSERVABLE_TYPES,
  type ObservableType,
  parseCidr,
} from './observables.ts';
import type { ComparisonExpression, Literal, ObjectPath, ObservationExpression } from './pattern.ts';

export type ObservedObject = Record<string, unknown> & { type: string };

const KNOWN = new Set<string>(OBSERVABLE_TYPES);
const regexCache = new Map<string, RE2JS>();

function regex(source: string): RE2JS {
  let r = regexCache.get(source);
  if (!r) {
    r = RE2JS.compile(source);
    if (regexCache.size > 10_000) regexCache.clear();
    regexCache.set(source, r);
  }
  return r;
}

/** SQL LIKE (% any run, _ one character) in O(n·m) without backtracking blow-up. */
export function likeMatches(value: string, pattern: string): boolean {
  let v = 0;
  let p = 0;
  let starP = -1;
  let starV = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '%') {
      starP = p++;
      starV = v;
    } else if (c !== undefined && (c === '_' || c === value[v])) {
      p++;
      v++;
    } else if (starP >= 0) {
      p = starP + 1;
      v = ++starV;
    } else {
      return false;
    }
  }
  while (pattern[p] === '%') p++;
  return p === pattern.length;
}

function resolvePath(obj: ObservedObject, path: ObjectPath): unknown[] {
  if (obj.type !== path.type) return [];
  let current: unknown[] = [obj];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || typeof c !== 'object') continue;
      if (step === '*') {
        if (Array.isArray(c)) next.push(...c);
      } else if (typeof step === 'number') {
        if (Array.isArray(c)) {
          const v = c[step < 0 ? c.length + step : step];
          if (v !== undefined) next.push(v);
        }
      } else if (!Array.isArray(c)) {
        const rec = c as Record<string, unknown>;
        let v = rec[step];
        // Hash names are written several ways (SHA256, SHA-256).
        if (v === undefined && path.steps[0] === 'hashes') v = rec[canonicalHashName(step)];
        if (v !== undefined) next.push(v);
      }
    }
    current = next;
  }
  return current;
}

/** The canonical form of a value at `type:value` for the types the matcher knows. */
function canonical(path: ObjectPath, v: string): string {
  if (path.steps.length === 1 && path.steps[0] === 'value' && KNOWN.has(path.type))
    return normalizeObservable(path.type as ObservableType, v) ?? v;
  if (path.steps[0] === 'hashes') return v.toLowerCase();
  return v;
}

function contains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  for (let bit = 0; bit < outer.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((outer.bytes[bit >> 3]! & mask) !== (inner.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

function literalValue(l: Literal): string | number | boolean {
  return l.value;
}

function compareOne(
  path: ObjectPath,
  op: Extract<ComparisonExpression, { kind: 'compare' }>['op'],
  actual: unknown,
  lit: Literal | Literal[],
): boolean {
  if (op === 'IN') return (lit as Literal[]).some((l) => compareOne(path, '=', actual, l));
  const l = lit as Literal;
  const expected = literalValue(l);
  if (typeof actual === 'string') {
    switch (op) {
      case '=':
      case '!=': {
        const eq = typeof expected === 'string' && canonical(path, actual) === canonical(path, expected);
        return op === '=' ? eq : !eq;
      }
      case 'LIKE':
        return likeMatches(actual, String(expected));
      case 'MATCHES':
        return regex(String(expected)).matcher(actual).find();
      case 'ISSUBSET':
      case 'ISSUPERSET': {
        const a = parseCidr(actual);
        const b = parseCidr(String(expected));
        if (!a || !b) return false;
        return op === 'ISSUBSET' ? contains(b, a) : contains(a, b);
      }
      default:
        if (typeof expected !== 'string') return false;
        return op === '<'
          ? actual < expected
          : op === '<='
            ? actual <= expected
            : op === '>'
              ? actual > expected
              : actual >= expected;
    }
  }
  if (typeof actual === 'number' || typeof actual === 'boolean') {
    if (op === '=') return actual === expected;
    if (op === '!=') return actual !== expected;
    if (typeof actual !== 'number' || typeof expected !== 'number') return false;
    return op === '<'
      ? actual < expected
      : op === '<='
        ? actual <= expected
        : op === '>'
          ? actual > expected
          : op === '>='
            ? actual >= expected
            : false;
  }
  return false;
}

/** Whether one observed object satisfies a comparison expression. */
export function evaluateComparison(e: ComparisonExpression, obj: ObservedObject): boolean {
  switch (e.kind) {
    case 'and':
      return evaluateComparison(e.left, obj) && evaluateComparison(e.right, obj);
    case 'or':
      return evaluateComparison(e.left, obj) || evaluateComparison(e.right, obj);
    case 'exists': {
      const present = resolvePath(obj, e.path).length > 0;
      return e.negated ? !present : present;
    }
    case 'compare': {
      const values = resolvePath(obj, e.path);
      // A property that is absent makes the comparison false, negated or not (STIX 2.1 9.6).
      if (values.length === 0) return false;
      const hit = values.some((v) => compareOne(e.path, e.op, v, e.value));
      return e.negated ? !hit : hit;
    }
  }
}

/** Whether a set of observed objects satisfies the pattern. */
export function evaluatePattern(
  e: ObservationExpression,
  objects: readonly ObservedObject[],
  now = new Date().toISOString(),
): boolean {
  switch (e.kind) {
    case 'observation':
      return objects.some((o) => evaluateComparison(e.comparison, o));
    case 'and':
    case 'followedby':
      return evaluatePattern(e.left, objects, now) && evaluatePattern(e.right, objects, now);
    case 'or':
      return evaluatePattern(e.left, objects, now) || evaluatePattern(e.right, objects, now);
    case 'qualified':
      if (e.qualifier.kind === 'start-stop' && (now < e.qualifier.start || now >= e.qualifier.stop))
        return false;
      return evaluatePattern(e.expression, objects, now);
  }
}
