// The text rule refuses what PostgreSQL cannot store and what misleads a reader, and nothing else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validatorCompiler } from './validation.ts';
import { Int, Limit, Text } from './text.ts';

const check = (schema: object, value: unknown, httpPart = 'body') => {
  const fn = validatorCompiler({ schema, httpPart, method: 'POST', url: '/' } as never) as (d: unknown) => {
    value?: unknown;
    error?: Error;
  };
  return !fn(value).error;
};

test('single-line text: ordinary scripts and emoji pass; NUL, lone surrogates, controls and bidi overrides fail', () => {
  const name = Text({ maxLength: 50 });
  for (const ok of ['Northport Power Grid', '北港电网', 'Ünïcödé — “quoted”', 'emoji 🛡️ ok', ''])
    assert.ok(check(name, ok), ok);
  for (const bad of [
    'a\u0000b',
    'a\ud800b',
    '\udc00',
    'tab\there',
    'line\nbreak',
    'del\u007f',
    'c1\u0085',
    'rtl\u202eevil',
    'iso\u2066x',
    'x'.repeat(51),
  ])
    assert.ok(!check(name, bad), JSON.stringify(bad));
});

test('multiline text allows tabs and line breaks only', () => {
  const note = Text({ maxLength: 100, multiline: true });
  assert.ok(check(note, 'first line\r\nsecond\tline'));
  for (const bad of ['a\u0000', 'a\ud83d', 'bell\u0007', 'x\u202dy'])
    assert.ok(!check(note, bad), JSON.stringify(bad));
});

test('integers are bounded, also when a query string is coerced', () => {
  const offset = Int({ minimum: 0 });
  for (const bad of ['99999999999999999999', '1e30', 'Infinity', '-1', '1.5', 'NaN'])
    assert.ok(!check(offset, bad, 'querystring'), bad);
  assert.ok(check(offset, '42', 'querystring'));
  assert.ok(!check(Limit(), 501, 'querystring'));
});
