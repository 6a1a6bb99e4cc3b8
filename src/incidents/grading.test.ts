// The grading checklist: thresholds are inclusive, the highest grade any criterion reaches wins,
// each fired criterion is reported once at its highest grade, a regime without a checklist
// suggests `general`; and more of any figure never suggests a lower grade (monotone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regimeIssues } from './deadlines.ts';
import {
  CHECKLISTS,
  type Checklist,
  checklistIssues,
  type Figures,
  FIGURES,
  suggestGrade as suggest,
} from './grading.ts';
import { regimeById } from './regimes.ts';

/** The suggestion under a shipped regime's checklist (version 1). */
const suggestGrade = (regime: string, figures: Figures) => suggest(regimeById(regime)!, figures);

test('cn-2025: thresholds are inclusive and the highest grade wins', () => {
  assert.equal(suggestGrade('cn-2025', {}).grade, 'general');
  assert.equal(suggestGrade('cn-2025', { outageHours: 0.49 }).grade, 'general');
  assert.equal(suggestGrade('cn-2025', { outageHours: 0.5 }).grade, 'relatively-major');
  assert.equal(suggestGrade('cn-2025', { outageHours: 2 }).grade, 'major');
  assert.equal(suggestGrade('cn-2025', { recordsLeaked: 100_000_000 }).grade, 'particularly-major');
  const s = suggestGrade('cn-2025', { outageHours: 3, directLoss: 6_000_000, peopleAffected: 10 });
  assert.equal(s.grade, 'major');
  assert.deepEqual(
    s.fired.map((f) => [f.figure, f.grade, f.threshold]),
    [
      ['outageHours', 'major', 2],
      ['directLoss', 'relatively-major', 5_000_000],
    ],
  );
});

test('a regime without a checklist suggests general; eu-nis2 has its loss criterion', () => {
  const s = suggestGrade('us-circia', { directLoss: 1e12 });
  assert.equal(s.grade, 'general');
  assert.equal(s.checklist, null);
  assert.equal(suggestGrade('eu-nis2', { directLoss: 500_000 }).grade, 'relatively-major');
});

test('more of a figure never suggests a lower grade', () => {
  const order = ['general', 'relatively-major', 'major', 'particularly-major'];
  for (const regime of Object.keys(CHECKLISTS))
    for (const f of FIGURES) {
      let last = 0;
      for (const v of [0, 0.1, 0.5, 1, 2, 5, 6, 10, 24, 1e3, 1e5, 1e6, 5e6, 1e7, 2e7, 1e8, 1e9, 1e12]) {
        const g = order.indexOf(suggestGrade(regime, { [f]: v }).grade);
        assert.ok(g >= last, `${regime} ${f} ${v}`);
        last = g;
      }
    }
});

test("cn-2025: the guide's main-function outage, population share and important-data criteria", () => {
  // Main functions: 2 h / 6 h / 24 h, inclusive.
  assert.equal(suggestGrade('cn-2025', { mainFunctionOutageHours: 1.9 }).grade, 'general');
  assert.equal(suggestGrade('cn-2025', { mainFunctionOutageHours: 2 }).grade, 'relatively-major');
  assert.equal(suggestGrade('cn-2025', { mainFunctionOutageHours: 6 }).grade, 'major');
  assert.equal(suggestGrade('cn-2025', { mainFunctionOutageHours: 24 }).grade, 'particularly-major');
  // A city's population: 30 % makes relatively major; a province's: 10 % major, 30 % particularly major.
  assert.equal(suggestGrade('cn-2025', { cityPopulationSharePercent: 29.9 }).grade, 'general');
  assert.equal(suggestGrade('cn-2025', { cityPopulationSharePercent: 30 }).grade, 'relatively-major');
  assert.equal(suggestGrade('cn-2025', { cityPopulationSharePercent: 100 }).grade, 'relatively-major');
  assert.equal(suggestGrade('cn-2025', { provincePopulationSharePercent: 9 }).grade, 'general');
  assert.equal(suggestGrade('cn-2025', { provincePopulationSharePercent: 10 }).grade, 'major');
  assert.equal(suggestGrade('cn-2025', { provincePopulationSharePercent: 30 }).grade, 'particularly-major');
  // Important data: the assessed threat, 0 none … 3 particularly serious.
  for (const [v, g] of [
    [0, 'general'],
    [1, 'relatively-major'],
    [2, 'major'],
    [3, 'particularly-major'],
  ] as const)
    assert.equal(suggestGrade('cn-2025', { importantDataThreat: v }).grade, g, `importantDataThreat ${v}`);
  const s = suggestGrade('cn-2025', { mainFunctionOutageHours: 7, importantDataThreat: 1, outageHours: 0.1 });
  assert.deepEqual(
    s.fired.map((f) => [f.figure, f.grade]),
    [
      ['mainFunctionOutageHours', 'major'],
      ['importantDataThreat', 'relatively-major'],
    ],
  );
  const threat = CHECKLISTS['cn-2025']!.criteria.find((c) => c.figure === 'importantDataThreat')!;
  assert.deepEqual(
    threat.choices?.map((c) => c.value),
    [0, 1, 2, 3],
  );
});

test('a checklist whose thresholds fall with the grade, or name an unknown figure, is refused with pointers', () => {
  const bad: Checklist = {
    source: { title: 't' },
    criteria: [
      { figure: 'outageHours', label: 'a', unit: 'h', thresholds: { 'relatively-major': 5, major: 2 } },
      { figure: 'outageHours', label: 'b', unit: 'h', thresholds: {} },
      { figure: 'nope' as 'outageHours', label: 'c', unit: 'h', thresholds: { major: -1 } },
    ],
  };
  assert.deepEqual(
    checklistIssues(bad, '/grading').map((i) => i.pointer),
    [
      '/grading/criteria/0/thresholds/major',
      '/grading/criteria/1/figure',
      '/grading/criteria/1/thresholds',
      '/grading/criteria/2/figure',
      '/grading/criteria/2/thresholds/major',
    ],
  );
  for (const r of ['cn-2025', 'eu-nis2', 'us-circia']) assert.deepEqual(regimeIssues(regimeById(r)!), [], r);
});
