// The webhook target rule on addresses: special-purpose ranges refused, IPv4-mapped IPv6 checked
// as IPv4, an administrator's allowance honoured, public addresses let through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TargetPolicy } from './targets.ts';

test('special-purpose addresses are refused, public ones allowed', () => {
  const p = new TargetPolicy();
  for (const a of [
    '0.0.0.0',
    '10.0.0.1',
    '100.64.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '172.16.5.4',
    '192.168.1.1',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
  ])
    assert.ok(p.refusal(a), `${a} refused`);
  for (const a of ['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111', '::ffff:5db8:d70e'])
    assert.equal(p.refusal(a), undefined, `${a} allowed`);
});

test('an allowed range lets its addresses through, and only those', () => {
  const p = new TargetPolicy(['127.0.0.0/8', '::1/128']);
  assert.equal(p.refusal('127.0.0.1'), undefined);
  assert.equal(p.refusal('::1'), undefined);
  assert.ok(p.refusal('10.0.0.1'));
});

test('URLs: every resolved address is checked; other schemes and credentials refused', async () => {
  const p = new TargetPolicy();
  assert.equal((await p.check('http://localhost/x')).ok, false);
  assert.equal((await p.check('http://127.1/x')).ok, false);
  assert.equal((await p.check('http://[::ffff:10.0.0.1]/x')).ok, false);
  assert.equal((await p.check('file:///etc/passwd')).ok, false);
  assert.equal((await p.check('https://user:pw@93.184.215.14/x')).ok, false);
  assert.equal((await p.check('https://93.184.215.14/x')).ok, true);
});
