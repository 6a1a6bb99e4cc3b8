// The matcher's typed tables against the structures they replace, on random data: a Map of the
// same keys (Uint32Table, DigitsTable, HexTable), the Map-and-slice suffix walk (DomainTable), and
// the whole matcher against evaluating every indicator's pattern on every observable.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { evaluatePattern } from '../stix/evaluate.ts';
import { type Observable, normalizeObservable } from '../stix/observables.ts';
import { parsePattern } from '../stix/pattern.ts';
import { DomainTable } from './domains.ts';
import { IndicatorMatcher, observedObject } from './matcher.ts';
import { DigitsTable, e164Number, HexTable, NONE, Uint32Table } from './tables.ts';
import { seededRandom as rng } from '../../platform/random.ts';

test('Uint32Table answers as a Map of the same keys, across growth', () => {
  const r = rng(1);
  const t = new Uint32Table();
  const ref = new Map<number, number>();
  for (let i = 0; i < 50_000; i++) {
    // Clustered keys (neighbouring addresses) and random ones.
    const k = i % 2 ? (0x0a000000 + (i >> 1)) >>> 0 : Math.floor(r() * 2 ** 32);
    const v = Math.floor(r() * 1e6) - 1000;
    t.set(k, v);
    ref.set(k, v);
  }
  assert.equal(t.size, ref.size);
  for (const [k, v] of ref) assert.equal(t.get(k), v);
  for (let i = 0; i < 50_000; i++) {
    const k = Math.floor(r() * 2 ** 32);
    assert.equal(t.get(k), ref.get(k) ?? NONE);
  }
});

test('DigitsTable and e164Number: E.164 numbers as numbers, as a Map of the texts', () => {
  const r = rng(2);
  const t = new DigitsTable();
  const ref = new Map<string, number>();
  const phone = () =>
    `+${1 + Math.floor(r() * 9)}${String(Math.floor(r() * 1e14)).slice(0, 1 + Math.floor(r() * 14))}`;
  for (let i = 0; i < 30_000; i++) {
    const p = phone();
    ref.set(p, i);
    t.set(e164Number(p), i);
  }
  for (const [p, v] of ref) assert.equal(t.get(e164Number(p)), v);
  for (let i = 0; i < 30_000; i++) {
    const p = phone();
    assert.equal(t.get(e164Number(p)), ref.get(p) ?? NONE);
  }
  for (const bad of ['', '+', '12025550123', '+0123', '+1202555012a', '+1234567890123456', '+1 202'])
    assert.equal(e164Number(bad), -1, bad);
  assert.equal(e164Number('+123456789012345'), 123456789012345);
});

test('HexTable answers as a Map of the hex texts; uppercase, other lengths and non-hex miss', () => {
  const r = rng(3);
  const hex = (n: number) =>
    Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  for (const width of [16, 20, 32, 64]) {
    const t = new HexTable(width);
    const ref = new Map<string, number>();
    const keys: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const k = hex(width * 2);
      keys.push(k);
      ref.set(k, i);
      t.set(k, i);
    }
    for (const [k, v] of ref) assert.equal(t.get(k), v);
    for (const k of keys.slice(0, 500)) {
      // The same key with its last digit changed, uppercase, too short, with a non-hex digit.
      const last = k.at(-1) === '0' ? '1' : '0';
      const near = k.slice(0, -1) + last;
      assert.equal(t.get(near), ref.get(near) ?? NONE);
      if (/[a-f]/.test(k)) assert.equal(t.get(k.toUpperCase()), NONE);
      assert.equal(t.get(k.slice(2)), NONE);
      assert.equal(t.get(`${k.slice(0, -1)}g`), NONE);
      assert.equal(t.get(`g${k.slice(1)}`), NONE);
    }
  }
});

test('DomainTable reports what the Map-and-slice walk reports, in the same order', () => {
  const r = rng(4);
  const label = () => ['evil', 'a', 'b', 'cdn', 'x-y', 'mail', 'zone7', 'login'][Math.floor(r() * 8)]!;
  const name = () => {
    const n = 1 + Math.floor(r() * 4);
    return [...Array.from({ length: n }, label), ['example', 'test', 'com'][Math.floor(r() * 3)]!].join('.');
  };
  const t = new DomainTable();
  const exact = new Map<string, number>();
  const suffixes = new Map<string, number>();
  for (let i = 0; i < 3_000; i++) {
    const d = name();
    if (r() < 0.5) {
      exact.set(d, i);
      t.setExact(d, i);
    } else {
      suffixes.set(d, i);
      t.setSuffix(d, i);
    }
  }
  for (let i = 0; i < 20_000; i++) {
    const d = name();
    const want: number[] = [];
    const e = exact.get(d);
    if (e !== undefined) want.push(e);
    for (let k = d.indexOf('.'); k >= 0; k = d.indexOf('.', k + 1)) {
      const s = suffixes.get(d.slice(k + 1));
      if (s !== undefined) want.push(s);
    }
    const got: number[] = [];
    t.lookup(d, (v) => got.push(v));
    assert.deepEqual(got, want, d);
    assert.equal(t.exactOf(d), exact.get(d) ?? NONE);
    assert.equal(t.suffixOf(d), suffixes.get(d) ?? NONE);
  }
});

test('the matcher hits exactly what evaluating every pattern on every observable hits (random data)', () => {
  const r = rng(5);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const ip = () => `10.${Math.floor(r() * 4)}.${Math.floor(r() * 4)}.${Math.floor(r() * 8)}`;
  const domain = () =>
    `${pick(['a', 'b', 'www'])}.${pick(['evil', 'bad', 'x'])}.${pick(['example', 'test'])}`;
  const hash = (n: number) => Array.from({ length: n }, () => pick(['0', '7', 'a', 'f'])).join('');
  const phone = () => `+1202555${String(100 + Math.floor(r() * 20)).padStart(4, '0')}`;
  const patterns: string[] = [];
  for (let i = 0; i < 400; i++) {
    switch (Math.floor(r() * 9)) {
      case 0:
        patterns.push(`[ipv4-addr:value = '${ip()}']`);
        break;
      case 1:
        patterns.push(
          `[ipv4-addr:value ISSUBSET '10.${Math.floor(r() * 4)}.${Math.floor(r() * 4)}.0/${pick([16, 24, 30])}']`,
        );
        break;
      case 2:
        patterns.push(`[domain-name:value = '${domain()}']`);
        break;
      case 3:
        patterns.push(`[domain-name:value LIKE '%.${domain().split('.').slice(1).join('.')}']`);
        break;
      case 4:
        patterns.push(`[file:hashes.'SHA-256' = '${hash(64)}']`);
        break;
      case 5:
        patterns.push(`[file:hashes.MD5 = '${hash(32)}']`);
        break;
      case 6:
        patterns.push(`[x-bulwark-phone-number:value = '${phone()}']`);
        break;
      case 7:
        patterns.push(`[url:value = 'http://${domain()}/${pick(['a', 'b'])}']`);
        break;
      default:
        patterns.push(`[ipv4-addr:value = '${ip()}' OR domain-name:value = '${domain()}']`);
    }
  }
  const m = new IndicatorMatcher();
  const slots = new Map<string, string>();
  for (const pattern of patterns) {
    const id = `indicator--${randomUUID()}`;
    m.put({ id, pattern, validFrom: 0, validUntil: null, revoked: false, marking: 0 });
    slots.set(id, pattern);
  }
  const observables: Observable[] = [];
  for (let i = 0; i < 600; i++) {
    const kind = Math.floor(r() * 5);
    const [type, raw] =
      kind === 0
        ? (['ipv4-addr', ip()] as const)
        : kind === 1
          ? (['domain-name', domain()] as const)
          : kind === 2
            ? (['file', hash(pick([32, 64]))] as const)
            : kind === 3
              ? (['x-bulwark-phone-number', phone()] as const)
              : (['url', `http://${domain()}/${pick(['a', 'b'])}`] as const);
    const value = normalizeObservable(type, raw);
    if (value !== undefined) observables.push({ type, value });
  }
  const got = m
    .match(observables)
    .map((h) => `${h.observable} ${m.idOf(h.indicator)}`)
    .sort();
  const iso = new Date().toISOString();
  const want: string[] = [];
  const asts = [...slots].map(([id, p]) => [id, parsePattern(p)] as const);
  observables.forEach((o, i) => {
    const obj = observedObject(o);
    for (const [id, ast] of asts) if (evaluatePattern(ast, [obj], iso)) want.push(`${i} ${id}`);
  });
  want.sort();
  assert.ok(want.length > 100, `too few hits to say anything: ${want.length}`);
  assert.deepEqual(got, want);
});
