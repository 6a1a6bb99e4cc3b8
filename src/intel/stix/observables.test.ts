// normalizePhone's remembered answers for E.164 texts against libphonenumber-js asked directly, on a
// generated set (example numbers of every country, the same with a digit changed, cut or added,
// national forms with their region, short and long digit strings, whitespace and punctuation), each
// number asked cold and again warm; the table itself with so few cells that numbers evict each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import {
  E164Answers,
  formatCidr,
  normalizeObservable,
  normalizePhone,
  PHONE_TYPE,
  parseCidr,
} from './observables.ts';
import { seededRandom as rng } from '../../platform/random.ts';

/** What normalizePhone answered before it remembered anything: libphonenumber-js on every call. */
function reference(s: string, region?: string): string | undefined {
  const t = s.trim();
  if (t.length > 40) return undefined;
  const p = parsePhoneNumberFromString(t, region as CountryCode | undefined);
  return p?.isValid() ? p.number : undefined;
}

function generated(): { value: string; region?: string }[] {
  const r = rng(11);
  const digits = (k: number) => Array.from({ length: k }, () => Math.floor(r() * 10)).join('');
  const out: { value: string; region?: string }[] = [];
  for (const country of getCountries()) {
    const ex = getExampleNumber(country, examples);
    const cc = getCountryCallingCode(country);
    if (ex) {
      const e164 = ex.number;
      const national = ex.nationalNumber;
      out.push({ value: e164 }, { value: e164, region: country }, { value: e164, region: 'US' });
      out.push({ value: ` ${e164}\t` }, { value: ex.formatInternational() });
      out.push({ value: ex.formatNational(), region: country }, { value: national, region: country });
      out.push({ value: ex.formatNational() }, { value: `+${cc}0${national}` });
      // A digit changed, one dropped, one added: often invalid, sometimes another valid number.
      for (let k = 0; k < 6; k++) {
        const i = 1 + Math.floor(r() * (e164.length - 1));
        const changed = `${e164.slice(0, i)}${Math.floor(r() * 10)}${e164.slice(i + 1)}`;
        out.push({ value: changed }, { value: changed, region: country });
      }
      out.push({ value: e164.slice(0, -1) }, { value: `${e164}${digits(1)}` });
    }
    // Random national numbers behind the calling code, of every length up to E.164's 15 digits.
    for (let k = 1; k <= 15 - cc.length; k += 1 + Math.floor(r() * 3))
      out.push({ value: `+${cc}${digits(k)}` });
  }
  out.push(
    { value: '+' },
    { value: '+0' },
    { value: '+01234567890' },
    { value: '+1' },
    { value: '+12' },
    { value: '+1234567890123456' },
    { value: '+12345678901234567890' },
    { value: '++12025550123' },
    { value: '+1202555012a' },
    { value: '' },
    { value: '   ' },
    { value: `+1${'2'.repeat(45)}` },
    { value: '2025550123', region: 'US' },
    { value: '020 7946 0958', region: 'GB' },
    { value: '+44 (0)20 7946 0958' },
    { value: '+4402079460958' },
  );
  return out;
}

test('phone numbers: the remembered answers are libphonenumber-js answers, cold and warm', () => {
  const set = generated();
  let valid = 0;
  let differ = 0;
  for (let pass = 0; pass < 2; pass++)
    for (const { value, region } of set) {
      const want = reference(value, region);
      assert.equal(
        normalizePhone(value, region),
        want,
        `${JSON.stringify(value)} in ${region ?? 'no region'}`,
      );
      assert.equal(normalizeObservable(PHONE_TYPE, value, region), want);
      if (pass === 0 && want !== undefined) {
        valid++;
        if (want !== value.trim()) differ++;
      }
    }
  // The set covers both answers and numbers whose canonical form is not what was written.
  assert.ok(valid > 500, `only ${valid} valid numbers generated`);
  assert.ok(set.length - valid > 1000, 'too few invalid numbers generated');
  assert.ok(differ > 100, `only ${differ} numbers whose E.164 form differs from the input`);
});

test('phone numbers: a table of four cells evicts but never answers for another number', () => {
  const t = new E164Answers(2);
  const r = rng(5);
  const truth = new Map<number, 0 | 1>();
  let known = 0;
  for (let i = 0; i < 5000; i++) {
    const n = 1 + Math.floor(r() * 1e14);
    const v = r() < 0.5 ? 0 : 1;
    t.set(n, v);
    truth.set(n, v);
    assert.equal(t.get(n), v);
    for (const [m, w] of [...truth].slice(-8)) {
      const got = t.get(m);
      if (got !== -1) {
        assert.equal(got, w);
        known++;
      }
    }
    assert.equal(t.get(n + 1e14), -1);
  }
  // Four cells: most of the last eight numbers were evicted, some still answer.
  assert.ok(known > 5000 && known < 5000 * 8);
});

test('IPv4 addresses already canonical are returned as they are, the others as before', () => {
  const r = rng(3);
  const octet = () => String(Math.floor(r() * 256));
  const values: string[] = [
    '0.0.0.0',
    '255.255.255.255',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '',
    ' ',
  ];
  for (let i = 0; i < 3000; i++) {
    const q = [octet(), octet(), octet(), octet()];
    values.push(q.join('.'), ` ${q.join('.')}`, `${q.join('.')}/${Math.floor(r() * 34)}`, `0${q.join('.')}`);
    values.push(
      `${q[0]}.0${q[1]}.${q[2]}.${q[3]}`,
      `::ffff:${q.join('.')}`,
      `${q.join('.')}.`,
      `${q.join('.')}/32`,
    );
  }
  let same = 0;
  for (const v of values) {
    // What normalizeObservable answered before its fast path: parse, then format.
    const c = parseCidr(v);
    const got = normalizeObservable('ipv4-addr', v);
    assert.equal(got, c?.family === 4 ? formatCidr(c) : undefined, v);
    if (got === v) same++;
  }
  assert.ok(same > 3000 && same < values.length / 2, `${same} of ${values.length} unchanged`);
});
