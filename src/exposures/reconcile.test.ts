// Reconciliation without a database: desired matches against stored exposures → what opens,
// reopens, resolves and is re-ranked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdvisoryFacts } from '../advisories/index.ts';
import type { AssetFacts } from '../assets/index.ts';
import type { Match } from './match-index.ts';
import { DEFAULT_DUE_POLICY } from './policy.ts';
import { reconcile, reconcileInTurns } from './reconcile.ts';
import type { ExposureRow } from './repo.ts';

const now = new Date('2026-03-01T00:00:00Z');
const asset: AssetFacts = {
  id: 'a1',
  orgId: 'o1',
  name: 'scada',
  criticality: 'high',
  criticalInfrastructure: false,
  sector: 'energy',
  region: 'BW-N',
  internetFacing: false,
};
const high: AdvisoryFacts = {
  id: 'GO-1',
  aliases: ['CVE-1'],
  score: 7.5,
  rating: 'High',
  kevDue: null,
  severitySource: { advisory: 'GO-1', via: 'advisory' },
  epss: null,
};
const component = { ecosystem: 'Go', normalizedName: 'x/y', name: 'x/y', version: 'v1.0.0' };
const match = (advisory: string): Match => ({ asset: 'a1', advisory, component });

function stored(advisory: string, over: Partial<ExposureRow> = {}): ExposureRow {
  const first = reconcile({
    existing: [],
    desired: [match(advisory)],
    assetOf: () => asset,
    advisoryOf: () => high,
    policy: DEFAULT_DUE_POLICY,
    now,
    newId: () => `e-${advisory}`,
  }).created[0]!;
  return {
    ...first,
    status: 'open',
    severityScore: first.severityScore === null ? null : String(first.severityScore),
    openedAt: now,
    resolvedAt: null,
    reopened: 0,
    note: null,
    versionNo: 1,
    updatedAt: now,
    ...over,
  };
}

const base = {
  assetOf: (id: string) => (id === 'a1' ? asset : undefined),
  advisoryOf: (id: string) => (id === 'GO-1' ? high : undefined),
  policy: DEFAULT_DUE_POLICY,
  now,
};

test('a new match opens an exposure ranked by the facts; an unknown asset opens nothing', () => {
  const r = reconcile({
    ...base,
    existing: [],
    desired: [match('GO-1'), { ...match('GO-1'), asset: 'zz' }],
    newId: () => 'n1',
  });
  assert.equal(r.created.length, 1);
  const e = r.created[0]!;
  assert.equal(e.id, 'n1');
  assert.equal(e.severityRating, 'High');
  assert.equal(e.due, '2026-03-31');
  assert.deepEqual(r.counts, { opened: 1, reopened: 0, resolved: 0, updated: 0, active: 1 });
});

test('an unchanged match changes nothing; a lost one resolves; a resolved one found again reopens', () => {
  const open = stored('GO-1');
  assert.deepEqual(reconcile({ ...base, existing: [open], desired: [match('GO-1')] }).changed, []);
  const gone = reconcile({ ...base, existing: [open], desired: [] });
  assert.equal(gone.changed[0]!.kind, 'resolved');
  assert.equal(gone.changed[0]!.change.versionNo, 2);
  assert.equal(gone.counts.active, 0);
  const later = new Date('2026-04-01T00:00:00Z');
  const back = reconcile({
    ...base,
    now: later,
    existing: [stored('GO-1', { status: 'resolved', resolvedAt: now, versionNo: 2 })],
    desired: [match('GO-1')],
  });
  assert.equal(back.changed[0]!.kind, 'reopened');
  assert.equal(back.changed[0]!.change.status, 'open');
  assert.equal(back.changed[0]!.change.reopened, 1);
  assert.equal(back.changed[0]!.change.due, '2026-05-01', 'the due date counts from the reopening');
});

test('new facts (a KEV entry) re-rank a stored exposure without changing its status', () => {
  const acknowledged = stored('GO-1', { status: 'acknowledged' });
  const kev = { ...high, kevDue: '2026-03-15' };
  const r = reconcile({ ...base, advisoryOf: () => kev, existing: [acknowledged], desired: [match('GO-1')] });
  assert.equal(r.changed.length, 1);
  assert.equal(r.changed[0]!.kind, 'updated');
  assert.equal(r.changed[0]!.change.status, 'acknowledged');
  assert.equal(r.changed[0]!.change.kev, true);
  assert.equal(r.changed[0]!.change.due, '2026-03-15');
  assert.ok(r.changed[0]!.change.priority > acknowledged.priority);
});

test('reconcileInTurns (in parts by advisory, one turn each) returns exactly what one reconcile returns', async () => {
  const advisories = Array.from({ length: 60 }, (_, i) => `GO-${i}`);
  const existing = advisories
    .filter((_, i) => i % 3 === 0)
    .map((a, i) => stored(a, i % 2 ? { status: 'resolved', resolvedAt: now } : {}));
  const desired = advisories.filter((_, i) => i % 2 === 0).map(match);
  let n = 0;
  const input = { ...base, advisoryOf: () => high, existing, desired, newId: () => `new-${n++}` };
  const whole = reconcile(input);
  n = 0;
  const parts = await reconcileInTurns(input, 7);
  const key = (x: { id?: string; advisoryId?: string }) => x.advisoryId ?? x.id ?? '';
  const sort = <T extends { advisoryId?: string; id?: string }>(l: T[]) =>
    [...l].sort((a, b) => key(a).localeCompare(key(b)));
  assert.deepEqual(parts.counts, whole.counts);
  assert.deepEqual(
    sort(parts.created).map((e) => ({ ...e, id: '' })),
    sort(whole.created).map((e) => ({ ...e, id: '' })),
  );
  assert.deepEqual(
    parts.changed.map((c) => `${c.row.id} ${c.kind}`).sort(),
    whole.changed.map((c) => `${c.row.id} ${c.kind}`).sort(),
  );
});
