// product_version_range: vers specifiers and the legacy forms CSAF allows, into OSV events.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseVersRange, versToOsv } from './vers.ts';
import { compareVersions } from './versions/index.ts';

const generic = (a: string, b: string) => compareVersions('CPE', a, b);
const osv = (range: string, cmp = generic) => versToOsv(parseVersRange(range), cmp);

describe('version ranges (vers and legacy)', () => {
  test('the CSAF specification’s examples', () => {
    assert.deepEqual(osv('vers:all/*'), { events: [{ kind: 'introduced', version: '0' }], versions: [] });
    assert.deepEqual(osv('vers:generic/>=2.9|<=4.1'), {
      events: [
        { kind: 'introduced', version: '2.9' },
        { kind: 'last_affected', version: '4.1' },
      ],
      versions: [],
    });
  });

  test('bounds are ordered by the ecosystem, not as written; several intervals; = lists versions', () => {
    assert.deepEqual(
      osv('vers:npm/<2.0.0|>=1.10.0|>=2.5.0|<3.0.0|=0.9.1', (a, b) => compareVersions('npm', a, b)),
      {
        events: [
          { kind: 'introduced', version: '1.10.0' },
          { kind: 'fixed', version: '2.0.0' },
          { kind: 'introduced', version: '2.5.0' },
          { kind: 'fixed', version: '3.0.0' },
        ],
        versions: ['0.9.1'],
      },
    );
    assert.deepEqual(osv('vers:pypi/<1.4').events, [
      { kind: 'introduced', version: '0' },
      { kind: 'fixed', version: '1.4' },
    ]);
    assert.deepEqual(osv('vers:generic/>=10.2').events, [{ kind: 'introduced', version: '10.2' }]);
  });

  test('legacy forms: |, commas or blanks between constraints, blanks after comparators, "all versions"', () => {
    const want = [
      { kind: 'introduced', version: '1.0' },
      { kind: 'fixed', version: '2.0' },
    ];
    assert.deepEqual(osv('>=1.0|<2.0').events, want);
    assert.deepEqual(osv('>= 1.0, < 2.0').events, want);
    assert.deepEqual(osv('>=1.0 <2.0').events, want);
    assert.deepEqual(osv('<= 4.1').events, [
      { kind: 'introduced', version: '0' },
      { kind: 'last_affected', version: '4.1' },
    ]);
    assert.deepEqual(osv('all versions').events, [{ kind: 'introduced', version: '0' }]);
  });

  test('what OSV cannot say, and nonsense, are refused with a reason', () => {
    assert.throws(() => osv('vers:generic/>1.0|<2.0'), /exclusive lower bound/);
    assert.throws(() => osv('vers:generic/!=1.5'), /excluded version/);
    assert.throws(() => osv('vers:generic/>=1.0|>=2.0'), /two lower bounds/);
    assert.throws(() => osv('vers:generic/<1.0|<2.0'), /two upper bounds/);
    assert.throws(() => parseVersRange('vers:generic'), /vers:<scheme>\/<constraints>/);
    assert.throws(() => parseVersRange('vers:/>=1'), /scheme is missing/);
  });

  test('the generic (CPE) order: numbers by value, letters by text', () => {
    assert.equal(generic('2.10', '2.9'), 1);
    assert.equal(generic('1.0.0', '1.0'), 1);
    assert.equal(generic('4.1', '4.1'), 0);
  });
});
