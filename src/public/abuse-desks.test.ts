import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deskFor, hostOf, parseAbuseDesks } from './abuse-desks.ts';

test('the most specific configured desk wins: domain, then TLD suffix, then the fallback', () => {
  const d = parseAbuseDesks([
    'example.com=abuse@example-host.test',
    '.cn=abuse@registry-cn.test',
    'com.cn=abuse@com-cn.test',
    '*=abuse@centre.test',
  ]);
  assert.equal(deskFor(d, 'example.com'), 'abuse@example-host.test');
  assert.equal(deskFor(d, 'login.example.com'), 'abuse@example-host.test');
  assert.equal(deskFor(d, 'notexample.com'), 'abuse@centre.test', 'a suffix matches on a label boundary');
  assert.equal(deskFor(d, 'bank.cn'), 'abuse@registry-cn.test');
  assert.equal(deskFor(d, 'bank.com.cn'), 'abuse@com-cn.test');
  assert.equal(deskFor(d, 'scam.example.org.'), 'abuse@centre.test');
  assert.equal(deskFor(parseAbuseDesks(['.cn=abuse@registry-cn.test']), 'x.org'), null, 'no fallback: none');
  assert.equal(hostOf('url', 'http://login.example.com/a?b'), 'login.example.com');
  assert.equal(hostOf('domain', 'example.com'), 'example.com');
});

test('a malformed entry is refused with the entry named', () => {
  assert.throws(() => parseAbuseDesks(['example.com']), /'example.com' is not/);
  assert.throws(() => parseAbuseDesks(['example.com=not-an-address']), /not-an-address/);
  assert.throws(() => parseAbuseDesks(['=abuse@x.test']), /is not/);
});
