// The grading checklist: thresholds are inclusive, the highest grade any criterion reaches wins,
// each fired criterion is reported once at its highest grade, a regime without a checklist
// suggests `general`; and more of any figure never suggests a lower grade (monotone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHECKLISTS, FIGURES, suggestGrade } from './grading.ts';

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
