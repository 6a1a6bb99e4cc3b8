// The report document builder on hand-made inputs: filed, draft (missing fields, overdue), a stage
// not owed, an unknown stage, a drill, and late filing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReportDocument, EXERCISE_NOTICE } from './report-document.ts';
import { regimeById } from './regimes.ts';
import type { Incident, StatutoryReport } from './schema.ts';

const regime = regimeById('eu-nis2')!;
const NOW = new Date('2026-12-01T12:00:00Z');

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    org: '00000000-0000-4000-8000-000000000002',
    orgName: 'Grid operator',
    region: 'BW-N',
    sector: 'energy',
    title: 'Substation HMI defaced',
    description: '',
    category: 'gbt:network-attack',
    grade: 'major',
    status: 'reported',
    regime: 'eu-nis2',
    regimeVersion: 1,
    entityType: 'essential',
    timeZone: 'Europe/Brussels',
    exercise: false,
    occurredAt: null,
    awareAt: '2026-11-30T10:00:00.000Z',
    containedAt: null,
    recoveredAt: null,
    closedAt: null,
    ransomDemanded: false,
    ransomPaidAt: null,
    impact: {},
    assets: [],
    indicators: '',
    obligations: [
      // Cast: the fields the builder reads; the Obligation type may grow beyond them.
      {
        stage: 'early-warning',
        title: 'Early warning',
        due: '2026-12-01T10:00:00.000Z',
        dueLocal: '2026-12-01 11:00 +01:00',
        anchor: '24 hours after awareness',
        recipient: 'centre',
        recipientOrg: '00000000-0000-4000-8000-000000000003',
        recipientName: 'National CSIRT',
        filer: 'operator',
        satisfiedAt: null,
        report: null,
        overdue: true,
        late: false,
      } as Incident['obligations'][number],
    ],
    nextDue: null,
    overdue: true,
    escalated: true,
    escalatedAt: null,
    alertAcknowledgedAt: null,
    reportedAt: null,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T10:00:00.000Z',
    revision: 1,
    ...over,
  };
}

const report = (filedAt: string): StatutoryReport => ({
  id: '00000000-0000-4000-8000-000000000009',
  incident: '00000000-0000-4000-8000-000000000001',
  stage: 'early-warning',
  title: 'Early warning',
  content: { summary: 'Defaced HMI', suspectedMalicious: 'yes', crossBorder: 'no', note: 'extra' },
  recipientOrg: '00000000-0000-4000-8000-000000000003',
  filedBy: { id: 'u1', name: 'Ana', org: '00000000-0000-4000-8000-000000000002' },
  filedAt,
  due: '2026-12-01T10:00:00.000Z',
  late: false,
  receipt: {
    kind: 'incident-report',
    id: '00000000-0000-4000-8000-000000000009',
    version: 1,
    href: '/api/v1/ledger/receipts?kind=incident-report&id=00000000-0000-4000-8000-000000000009&version=1',
  },
});

test('a draft lists every required field as missing, with its deadline, and is overdue past it', () => {
  const d = buildReportDocument({
    incident: incident(),
    regime,
    stageKey: 'early-warning',
    report: undefined,
    now: NOW,
  })!;
  assert.equal(d.state, 'draft');
  assert.deepEqual(
    d.fields,
    ['summary', 'suspectedMalicious', 'crossBorder'].map((key) => ({ key, value: null, missing: true })),
  );
  assert.equal(d.due, '2026-12-01T10:00:00.000Z');
  assert.equal(d.dueLocal, '2026-12-01 11:00 +01:00');
  assert.equal(d.overdue, true);
  assert.equal(d.onTime, null);
  assert.equal(d.ledger, null);
  assert.deepEqual(d.recipient, {
    kind: 'centre',
    org: '00000000-0000-4000-8000-000000000003',
    name: 'National CSIRT',
  });
  assert.equal(d.incident.categoryLabel, '网络攻击事件 Network attack');
  assert.equal(d.regime.title, regime.title);
  assert.equal(d.regime.sources[0]!.url, 'https://eur-lex.europa.eu/eli/dir/2022/2555/oj');
});

test('a filed report shows its values, extra fields apart, the receipt, and whether it was on time', () => {
  const onTime = buildReportDocument({
    incident: incident(),
    regime,
    stageKey: 'early-warning',
    report: report('2026-12-01T09:59:00.000Z'),
    now: NOW,
  })!;
  assert.equal(onTime.state, 'filed');
  assert.deepEqual(
    onTime.fields.map((f) => [f.key, f.value, f.missing]),
    [
      ['summary', 'Defaced HMI', false],
      ['suspectedMalicious', 'yes', false],
      ['crossBorder', 'no', false],
    ],
  );
  assert.deepEqual(onTime.extraFields, [{ key: 'note', value: 'extra' }]);
  assert.equal(onTime.onTime, true);
  assert.equal(onTime.overdue, false);
  assert.equal(onTime.ledger?.href, report('x').receipt.href);
  assert.equal(onTime.filedBy?.name, 'Ana');
  const late = buildReportDocument({
    incident: incident(),
    regime,
    stageKey: 'early-warning',
    report: report('2026-12-01T10:00:01.000Z'),
    now: NOW,
  })!;
  assert.equal(late.onTime, false);
  const atTheDeadline = buildReportDocument({
    incident: incident(),
    regime,
    stageKey: 'early-warning',
    report: report('2026-12-01T10:00:00.000Z'),
    now: NOW,
  })!;
  assert.equal(atTheDeadline.onTime, true, 'filed at the deadline is on time');
});

test('a stage the incident does not owe is marked so; a stage the regime lacks gives nothing', () => {
  const d = buildReportDocument({
    incident: incident(),
    regime,
    stageKey: 'final',
    report: undefined,
    now: NOW,
  })!;
  assert.equal(d.state, 'not-owed');
  assert.equal(d.due, null);
  assert.equal(d.overdue, false);
  assert.equal(
    buildReportDocument({ incident: incident(), regime, stageKey: 'nope', report: undefined, now: NOW }),
    undefined,
  );
});

test('a stage owed on request and not requested is a draft without a deadline', () => {
  const waiting = {
    ...incident().obligations[0]!,
    stage: 'intermediate',
    due: null,
    dueLocal: null,
    overdue: false,
    onRequest: true,
    requestedAt: null,
  } as Incident['obligations'][number];
  const d = buildReportDocument({
    incident: incident({ obligations: [waiting] }),
    regime,
    stageKey: 'intermediate',
    report: undefined,
    now: NOW,
  })!;
  assert.equal(d.state, 'draft');
  assert.equal(d.onRequest, true);
  assert.equal(d.requestedAt, null);
  assert.equal(d.due, null);
  assert.equal(d.overdue, false);
  assert.ok(d.fields.every((f) => f.missing));
});

test('a drill carries the exercise label', () => {
  const d = buildReportDocument({
    incident: incident({ exercise: true }),
    regime,
    stageKey: 'early-warning',
    report: undefined,
    now: NOW,
  })!;
  assert.equal(d.exercise, true);
  assert.equal(d.incident.exercise, true);
  assert.equal(d.exerciseNotice, EXERCISE_NOTICE);
});
