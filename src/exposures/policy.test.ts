import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../platform/config.ts';
import {
  DEFAULT_DUE_POLICY,
  dueDateOf,
  dueOf,
  duePolicyOf,
  parseDuePolicy,
  priorityOf,
  ratingOfScore,
} from './policy.ts';

const base = {
  kev: false,
  score: 5,
  criticality: 'medium',
  criticalInfrastructure: false,
  internetFacing: false,
} as const;

describe('exposure priority', () => {
  test('known-exploited first, then CVSS, then criticality, then internet-facing', () => {
    const ranked = [
      { ...base, kev: true, score: 1, criticality: 'low' as const },
      { ...base, score: 9.8, criticality: 'low' as const },
      { ...base, score: 9.7, criticality: 'critical' as const, internetFacing: true },
      { ...base, score: 5, criticality: 'critical' as const },
      {
        ...base,
        score: 5,
        criticality: 'high' as const,
        criticalInfrastructure: false,
        internetFacing: true,
      },
      { ...base, score: 5, criticality: 'high' as const },
      { ...base, score: null, criticality: 'critical' as const },
    ].map(priorityOf);
    assert.deepEqual(
      [...ranked].sort((a, b) => b - a),
      ranked,
    );
    assert.equal(new Set(ranked).size, ranked.length);
  });

  test("EPSS ranks after KEV and before CVSS; exploitation shown by intelligence ranks in KEV's tier", () => {
    const kevLow = priorityOf({ ...base, kev: true, score: 1, exploitation: { epssPercentile: 0 } });
    const likely = priorityOf({ ...base, score: 2, exploitation: { epssPercentile: 0.97 } });
    const lessLikely = priorityOf({ ...base, score: 9.8, exploitation: { epssPercentile: 0.4 } });
    const unknown = priorityOf({ ...base, score: 10, criticality: 'critical', internetFacing: true });
    const sighted = priorityOf({ ...base, intel: true, score: 1, exploitation: { epssPercentile: 0.2 } });
    assert.ok(sighted > kevLow && kevLow > likely && likely > lessLikely && lessLikely > unknown);
    // One tier: KEV and intelligence are the same evidence of exploitation; EPSS, then CVSS, decide inside it.
    assert.equal(
      priorityOf({ ...base, intel: true, score: 5, exploitation: { epssPercentile: 0.5 } }),
      priorityOf({ ...base, kev: true, score: 5, exploitation: { epssPercentile: 0.5 } }),
    );
    assert.equal(
      priorityOf({ ...base, kev: true, intel: true, score: 5, exploitation: { epssPercentile: 0.5 } }),
      priorityOf({ ...base, kev: true, score: 5, exploitation: { epssPercentile: 0.5 } }),
    );
    const top = priorityOf({
      kev: true,
      intel: true,
      exploitation: { epssPercentile: 1 },
      score: 10,
      criticality: 'critical',
      criticalInfrastructure: true,
      internetFacing: true,
    });
    assert.ok(top < 2 ** 31, 'fits the 32-bit priority column');
  });

  test('critical infrastructure counts one step of criticality up', () => {
    assert.equal(
      priorityOf({ ...base, criticality: 'high', criticalInfrastructure: true }),
      priorityOf({ ...base, criticality: 'critical' }),
    );
  });
});

describe('due dates', () => {
  const at = new Date('2026-01-10T12:00:00Z');
  test('by severity from the policy; KEV due date wins; critical infrastructure gets less time', () => {
    assert.equal(
      dueDateOf(
        DEFAULT_DUE_POLICY,
        { rating: 'High', kevDue: null, criticality: 'medium', criticalInfrastructure: false },
        at,
      ),
      '2026-02-09',
    );
    assert.equal(
      dueDateOf(
        DEFAULT_DUE_POLICY,
        { rating: 'High', kevDue: null, criticality: 'medium', criticalInfrastructure: true },
        at,
      ),
      '2026-01-25',
    );
    assert.equal(
      dueDateOf(
        DEFAULT_DUE_POLICY,
        { rating: 'Low', kevDue: '2022-03-03', criticality: 'low', criticalInfrastructure: true },
        at,
      ),
      '2022-03-03',
    );
  });
  test('criticality × severity × KEV, each due date with the rule that set it', () => {
    const input = {
      rating: 'High',
      kevDue: null,
      criticality: 'critical',
      criticalInfrastructure: true,
    } as const;
    assert.deepEqual(dueOf(DEFAULT_DUE_POLICY, input, at), {
      due: '2026-01-18',
      rule: 'High 30 d critical criticality ×0.5 critical infrastructure ×0.5 = 8 d',
    });
    assert.deepEqual(
      dueOf(DEFAULT_DUE_POLICY, { ...input, criticality: 'medium', criticalInfrastructure: false }, at),
      {
        due: '2026-02-09',
        rule: 'High 30 d',
      },
    );
    assert.equal(
      dueOf(DEFAULT_DUE_POLICY, { ...input, criticality: 'low', criticalInfrastructure: false }, at).due,
      '2026-02-24',
    );
    assert.deepEqual(dueOf(DEFAULT_DUE_POLICY, { ...input, kevDue: '2026-01-12' }, at), {
      due: '2026-01-12',
      rule: 'KEV: the catalogue entry’s due date',
    });
    const fixedKev = parseDuePolicy('kev=14,critical=1,ci=1');
    assert.deepEqual(dueOf(fixedKev, { ...input, kevDue: '2030-01-01' }, at), {
      due: '2026-01-24',
      rule: 'KEV 14 d',
    });
    assert.equal(parseDuePolicy('kev=catalogue').kev, 'catalogue');
    assert.throws(() => parseDuePolicy('kev=soon'), /NAME=NUMBER/);
    assert.throws(() => parseDuePolicy('critical'), /NAME=NUMBER/);
  });
  test('the policy is configurable and refuses nonsense', () => {
    const p = parseDuePolicy('Critical=2, unknown=10, ci=1');
    assert.equal(p.days.Critical, 2);
    assert.equal(p.days.High, DEFAULT_DUE_POLICY.days.High);
    assert.equal(
      dueDateOf(
        p,
        { rating: 'unknown', kevDue: null, criticality: 'medium', criticalInfrastructure: true },
        at,
      ),
      '2026-01-20',
    );
    assert.throws(() => parseDuePolicy('Severe=3'), /unknown rating or criticality/);
    assert.throws(() => parseDuePolicy('High=soon'), /NAME=NUMBER/);
  });
  test('BULWARK_DUE_POLICY is read by the configuration; a bad one stops the start naming it', () => {
    const config = loadConfig({ BULWARK_DUE_POLICY: 'High=14, critical=0.25, kev=10' }, {});
    const p = duePolicyOf(config.exposures);
    assert.equal(p.days.High, 14);
    assert.equal(p.criticality.critical, 0.25);
    assert.equal(p.kev, 10);
    assert.equal(duePolicyOf(loadConfig({}, {}).exposures), DEFAULT_DUE_POLICY);
    assert.throws(() => loadConfig({ BULWARK_DUE_POLICY: 'High=soon' }, {}), /BULWARK_DUE_POLICY/);
    assert.throws(() => duePolicyOf({ duePolicy: 'Severe=3' }), /BULWARK_DUE_POLICY: .*unknown rating/);
  });
  test('ratings come from the CVSS rating or the score', () => {
    assert.equal(ratingOfScore(null, null), 'unknown');
    assert.equal(ratingOfScore(9.1, null), 'Critical');
    assert.equal(ratingOfScore(6.9, null), 'Medium');
    assert.equal(ratingOfScore(7.5, 'High'), 'High');
  });
});
