// The matcher against a reference: every planted observable is found by the indicators that name
// it, and nothing else; CIDRs, domain suffixes (public suffixes refused), several indicators on one
// value, replacement, revocation, expiry, complex patterns verified by evaluation, and MATCHES/LIKE
// in linear time on a hostile input.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { normalizeObservable, type Observable, type ObservableType } from '../stix/observables.ts';
import { type IndicatorInput, IndicatorMatcher } from './matcher.ts';

const ind = (pattern: string, extra: Partial<IndicatorInput> = {}): IndicatorInput => ({
  id: `indicator--${randomUUID()}`,
  pattern,
  validFrom: 0,
  validUntil: null,
  revoked: false,
  marking: 0,
  ...extra,
});
const obs = (type: ObservableType, value: string): Observable => ({
  type,
  value: normalizeObservable(type, value)!,
});

test('exact values, CIDRs and suffixes hit; neighbours do not', () => {
  const m = new IndicatorMatcher();
  const a = ind("[ipv4-addr:value = '192.0.2.1']");
  const b = ind("[ipv4-addr:value = '10.0.0.0/8']");
  const c = ind("[ipv6-addr:value ISSUBSET '2001:db8::/32']");
  const d = ind("[domain-name:value LIKE '%.evil.example']");
  const e = ind("[domain-name:value = 'evil.example']");
  const f = ind("[url:value = 'HTTP://Phish.Example:80/a/../login']");
  const g = ind(
    "[file:hashes.'SHA-256' = 'AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F']",
  );
  const h = ind("[x-bulwark-phone-number:value = '+8613800138000']");
  const i = ind("[ipv4-addr:value = '192.0.2.1']");
  for (const x of [a, b, c, d, e, f, g, h, i]) m.put(x);
  const stream = [
    obs('ipv4-addr', '192.0.2.1'),
    obs('ipv4-addr', '192.0.2.2'),
    obs('ipv4-addr', '10.200.3.4'),
    obs('ipv4-addr', '11.0.0.1'),
    obs('ipv6-addr', '2001:DB8:0::1'),
    obs('ipv6-addr', '2001:db9::1'),
    obs('domain-name', 'a.b.evil.example'),
    obs('domain-name', 'evil.example'),
    obs('domain-name', 'notevil.example'),
    obs('url', 'http://phish.example/login#x'),
    obs('file', 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'),
    obs('x-bulwark-phone-number', '+86 138 0013 8000'),
  ];
  const hits = m
    .match(stream)
    .map((x) => `${x.observable}:${m.idOf(x.indicator)}`)
    .sort();
  const want = [
    `0:${a.id}`,
    `0:${i.id}`,
    `2:${b.id}`,
    `4:${c.id}`,
    `6:${d.id}`,
    `7:${e.id}`,
    `9:${f.id}`,
    `10:${g.id}`,
    `11:${h.id}`,
  ].sort();
  assert.deepEqual(hits, want);
});

test('a suffix that is a public suffix (ICANN or private) is not compiled', () => {
  const m = new IndicatorMatcher();
  assert.match(m.put(ind("[domain-name:value LIKE '%.co.uk']")).join(), /public suffix co\.uk/);
  assert.match(m.put(ind("[domain-name:value LIKE '%.github.io']")).join(), /public suffix github\.io/);
  assert.equal(m.match([obs('domain-name', 'bbc.co.uk'), obs('domain-name', 'x.github.io')]).length, 0);
});

test('replacement, revocation and expiry stop matching', () => {
  const m = new IndicatorMatcher();
  const a = ind("[ipv4-addr:value = '192.0.2.1']");
  m.put(a);
  m.put({ ...a, pattern: "[ipv4-addr:value = '192.0.2.2']" });
  assert.deepEqual(m.match([obs('ipv4-addr', '192.0.2.1')]), []);
  assert.equal(m.match([obs('ipv4-addr', '192.0.2.2')]).length, 1);
  m.put({ ...a, revoked: true });
  assert.deepEqual(m.match([obs('ipv4-addr', '192.0.2.2')]), []);
  const b = ind("[ipv4-addr:value = '192.0.2.3']", { validFrom: 1000, validUntil: 2000 });
  m.put(b);
  assert.equal(m.match([obs('ipv4-addr', '192.0.2.3')], 1500).length, 1);
  assert.equal(m.match([obs('ipv4-addr', '192.0.2.3')], 2500).length, 0);
  assert.equal(m.match([obs('ipv4-addr', '192.0.2.3')], 500).length, 0);
  assert.deepEqual(m.expiredIds(2500), [b.id]);
  assert.equal(m.size, 1);
});

test('complex patterns are verified on the whole set of observables', () => {
  const m = new IndicatorMatcher();
  const both = ind("[ipv4-addr:value = '192.0.2.10'] AND [domain-name:value = 'c2.example']");
  const regex = ind("[url:value MATCHES '^https?://[^/]+/wp-admin/.*\\\\.php$']");
  const notIn = ind("[domain-name:value = 'x.example' AND domain-name:value NOT IN ('y.example')]");
  for (const x of [both, regex, notIn]) m.put(x);
  assert.equal(m.match([obs('ipv4-addr', '192.0.2.10')]).length, 0, 'half of an AND');
  const h = m.match([obs('ipv4-addr', '192.0.2.10'), obs('domain-name', 'c2.example')]);
  assert.deepEqual(new Set(h.map((x) => m.idOf(x.indicator))), new Set([both.id]));
  assert.equal(m.match([obs('url', 'http://site.example/wp-admin/shell.php')]).length, 1);
  assert.equal(m.match([obs('url', 'http://site.example/wp-admin/shell.txt')]).length, 0);
  assert.equal(m.match([obs('domain-name', 'x.example')]).length, 1);
});

test('MATCHES and LIKE stay linear on inputs that make backtracking engines explode', () => {
  const m = new IndicatorMatcher();
  m.put(ind("[url:value MATCHES '^(a+)+$']"));
  m.put(ind("[url:value LIKE '%a%a%a%a%a%a%a%a%b']"));
  const evil = `http://x.example/${'a'.repeat(5000)}!`;
  const t0 = performance.now();
  assert.equal(m.match([{ type: 'url', value: evil }]).length, 0);
  // No assertion on time (tests never do); a backtracking engine would not return at all.
  assert.ok(performance.now() - t0 >= 0);
});

test('the CIDR trie keeps every prefix while it grows (a regression: a value read before the growth)', () => {
  const m = new IndicatorMatcher();
  const ids: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const x = ind(`[ipv4-addr:value = '64.${(i >> 8) & 255}.${i & 255}.0/24']`);
    ids.push(x.id);
    m.put(x);
  }
  for (const i of [0, 1, 1234, 2999]) {
    const hits = m.match([obs('ipv4-addr', `64.${(i >> 8) & 255}.${i & 255}.9`)]);
    assert.deepEqual(
      hits.map((h) => m.idOf(h.indicator)),
      [ids[i]],
    );
  }
});
