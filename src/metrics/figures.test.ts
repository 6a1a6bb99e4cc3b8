import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Cells,
  compositeIndex,
  incidentsByMonthAndGrade,
  percentileOfCounts,
  reportsFromHistogram,
  securityFigures,
  suppressedCount,
  suppressSmall,
} from './figures.ts';

const cells: Cells = {
  assets: [
    { region: 'BW-N-01', sector: 'water', criticalAssets: 300, orgs: 3 },
    { region: 'BW-N-02', sector: 'energy', criticalAssets: 100, orgs: 1 },
    { region: 'BW-NE', sector: 'water', criticalAssets: 1000, orgs: 9 },
  ],
  exposures: [
    {
      region: 'BW-N-01',
      sector: 'water',
      openCriticalHigh: 3,
      kevPastDue: 1,
      kevPastDueMaxDays: 4,
      kevPastDueTotalDays: 4,
      orgs: 1,
    },
    {
      region: 'BW-N-02',
      sector: 'energy',
      openCriticalHigh: 20,
      kevPastDue: 2,
      kevPastDueMaxDays: 10,
      kevPastDueTotalDays: 12,
      orgs: 1,
    },
  ],
  incidents: [
    {
      region: 'BW-N-01',
      sector: 'water',
      month: '2026-11',
      grade: 'major',
      incidents: 2,
      overdue: 1,
      orgs: 1,
    },
    {
      region: 'BW-N-02',
      sector: 'energy',
      month: '2026-10',
      grade: 'general',
      incidents: 7,
      overdue: 0,
      orgs: 2,
    },
  ],
  reports: [{ region: 'BW-N-02', sector: 'energy', stage: 'initial', due: 10, onTime: 9, p90LateHours: 3 }],
  // The overdue incident of BW-N-01 has missed two stages, neither filed.
  overdueObligations: [
    { region: 'BW-N-01', sector: 'water', stage: 'early-warning', n: 1 },
    { region: 'BW-N-01', sector: 'water', stage: 'notification', n: 1 },
  ],
  publicReports: [{ region: 'BW-N-01', month: '2026-11', reports: 50, awaitingTriage: 2 }],
};
const months = { thisMonth: '2026-11', lastMonth: '2026-10' };

test('a region counts its subtree only (BW-N holds BW-N-01, not BW-NE) and rates are ratios of sums', () => {
  const f = securityFigures(cells, 'BW-N', { population: 1_000_000, ...months });
  assert.equal(f.criticalAssets, 400);
  assert.equal(f.openCriticalHigh, 23);
  // (3 + 20) / (300 + 100) × 100 — not the mean of 1 and 20.
  assert.equal(f.openCriticalHighPer100CriticalAssets, 5.75);
  assert.equal(f.kevPastDue, 3);
  assert.equal(f.kevPastDueMaxDays, 10);
  assert.equal(f.kevPastDueMeanDays, 16 / 3);
  assert.deepEqual(
    [f.incidents, f.incidentsThisMonth, f.incidentsLastMonth, f.majorIncidents, f.overdueIncidents],
    [9, 2, 7, 2, 1],
  );
  // 9 of 10 filed reports in time, and one incident (BW-N-01) past two deadlines with nothing filed:
  // two obligations late already (one incident overdue), so 9 of 12.
  assert.equal(f.reportsOverdueNotFiled, 2);
  assert.equal(f.reportsDue, 12);
  assert.equal(f.reportsOnTimePercent, (9 / 12) * 100);
  assert.equal(f.publicReportsPer100k, 5);
  const water = securityFigures(cells, 'BW-N', { sector: 'water', population: null, ...months });
  assert.equal(water.criticalAssets, 300);
  assert.equal(water.publicReports, null, 'public reports have no sector');
});

test('counts of 1–4 in a breakdown are suppressed, with the rates that would give them back', () => {
  const f = suppressSmall(securityFigures(cells, 'BW-N-01', { population: 100_000, ...months }));
  assert.equal(f.incidents, null);
  assert.equal(f.overdueIncidents, null);
  assert.equal(f.awaitingTriage, null);
  assert.equal(f.publicReports, 50);
  assert.ok(f.suppressed.includes('incidents'));
  assert.equal(f.reportsOnTime, 0, 'a zero is not suppressed');
  assert.equal(f.reportsDue, null, 'its two overdue obligations are a count of 2');
  assert.equal(f.reportsOnTimePercent, null);
  const g = suppressSmall(securityFigures(cells, 'BW-N-02', { population: null, ...months }));
  assert.equal(g.incidents, 7);
});

test('p90 lateness: over reports filed late and obligations still unfiled past their deadline', () => {
  const lateness = [
    // Filed late: 2 h (×8), and one still unfiled 100 h past its deadline, one 300 h.
    { region: 'BW-N-02', sector: 'energy', lateHours: 2, n: 8 },
    { region: 'BW-N-01', sector: 'water', lateHours: 100, n: 1 },
    { region: 'BW-N-01', sector: 'water', lateHours: 300, n: 1 },
    { region: 'BW-NE-01', sector: 'water', lateHours: 900, n: 5 },
  ];
  const f = securityFigures({ ...cells, lateness }, 'BW-N', { population: null, ...months });
  // Nearest rank of 10: the 9th, 100 h (not 2 h, which the filed reports alone would give).
  assert.equal(f.p90LateHours, 100);
  assert.equal(securityFigures(cells, 'BW-N', { population: null, ...months }).p90LateHours, null);
  // In a breakdown, fewer than five late make no percentile (it would be one of them).
  const one = suppressSmall(
    securityFigures({ ...cells, lateness }, 'BW-N-02', { population: null, ...months }),
  );
  assert.equal(one.p90LateHours, null);
});

test('one small-cell rule: incidents by month and grade, the same for every view', () => {
  const byMonth = incidentsByMonthAndGrade(cells.incidents, ['2026-10', '2026-11'], 'BW-N');
  assert.deepEqual(byMonth, [
    { month: '2026-10', byGrade: { general: 7 } },
    { month: '2026-11', byGrade: { major: null } },
  ]);
  assert.equal(suppressedCount(0), 0);
  assert.equal(suppressedCount(4), null);
  assert.equal(suppressedCount(5), 5);
});

test('composite index: min–max scaled, turned where lower is better, weighted, none without data', () => {
  const rows = [
    { a: 10, b: 0 },
    { a: 20, b: 10 },
    { a: null, b: null },
  ];
  assert.deepEqual(
    compositeIndex(rows, [
      { key: 'a', lowerIsBetter: false, weight: 1 },
      { key: 'b', lowerIsBetter: true, weight: 3 },
    ]),
    [75, 25, null],
  );
});

test("report timeliness from the cells' histogram: due, in time, p90 lateness by nearest rank", () => {
  const row = { region: 'BW-N-01', sector: 'water', stage: 'initial' };
  const out = reportsFromHistogram([
    { ...row, lateHours: null, reports: 6 },
    { ...row, lateHours: 2, reports: 3 },
    { ...row, lateHours: 30, reports: 1 },
    { ...row, stage: 'final', lateHours: null, reports: 2 },
  ]);
  assert.deepEqual(out, [
    // 4 late: ranks 1–3 are 2 hours, rank 4 (⌈0.9 × 4⌉) is 30.
    { ...row, due: 10, onTime: 6, p90LateHours: 30 },
    { ...row, stage: 'final', due: 2, onTime: 2, p90LateHours: null },
  ]);
  assert.equal(
    percentileOfCounts(
      [
        [5, 10],
        [1, 90],
      ],
      0.9,
    ),
    1,
  );
  assert.equal(
    percentileOfCounts(
      [
        [5, 11],
        [1, 89],
      ],
      0.9,
    ),
    5,
  );
  assert.equal(percentileOfCounts([], 0.9), null);
});
