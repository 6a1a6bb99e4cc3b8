import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_DUE_POLICY, dueDateOf, parseDuePolicy, priorityOf, ratingOfScore } from './policy.ts';

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
      dueDateOf(DEFAULT_DUE_POLICY, { rating: 'High', kevDue: null, criticalInfrastructure: false }, at),
      '2026-02-09',
    );
    assert.equal(
      dueDateOf(DEFAULT_DUE_POLICY, { rating: 'High', kevDue: null, criticalInfrastructure: true }, at),
      '2026-01-25',
    );
    assert.equal(
      dueDateOf(
        DEFAULT_DUE_POLICY,
        { rating: 'Low', kevDue: '2022-03-03', criticalInfrastructure: true },
        at,
      ),
      '2022-03-03',
    );
  });
  test('the policy is configurable and refuses nonsense', () => {
    const p = parseDuePolicy('Critical=2, unknown=10, ci=1');
    assert.equal(p.days.Critical, 2);
    assert.equal(p.days.High, DEFAULT_DUE_POLICY.days.High);
    assert.equal(
      dueDateOf(p, { rating: 'unknown', kevDue: null, criticalInfrastructure: true }, at),
      '2026-01-20',
    );
    assert.throws(() => parseDuePolicy('Severe=3'), /unknown rating/);
    assert.throws(() => parseDuePolicy('High=soon'), /NAME=NUMBER/);
  });
  test('ratings come from the CVSS rating or the score', () => {
    assert.equal(ratingOfScore(null, null), 'unknown');
    assert.equal(ratingOfScore(9.1, null), 'Critical');
    assert.equal(ratingOfScore(6.9, null), 'Medium');
    assert.equal(ratingOfScore(7.5, 'High'), 'High');
  });
});
