// The grading checklist as data, per regime: which impact figures make an incident relatively
// major, major or particularly major, and the pure function that suggests a grade from the
// figures with the criteria that fired. The highest grade any criterion reaches is the suggestion;
// none fired is `general`. It only suggests: the reporting organization grades (and regrades).
import type { Grade } from './deadlines.ts';

/** The impact figures a checklist reads (the incident's `impact`). */
export const FIGURES = [
  'outageHours',
  'peopleAffected',
  'recordsLeaked',
  'directLoss',
  'portalDowntimeHours',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Partial<Record<Figure, number>>;

type AboveGeneral = Exclude<Grade, 'general'>;
const ORDER: Grade[] = ['general', 'relatively-major', 'major', 'particularly-major'];

export interface Criterion {
  figure: Figure;
  label: string;
  unit: string;
  /** The least value of the figure that makes each grade (inclusive); a grade left out is not reached by it. */
  thresholds: Partial<Record<AboveGeneral, number>>;
  /** Where our reading goes beyond the cited text. */
  note?: string;
}

export interface Checklist {
  regime: string;
  source: { title: string; url?: string };
  criteria: Criterion[];
}

export const CHECKLISTS: Record<string, Checklist> = {
  'cn-2025': {
    regime: 'cn-2025',
    source: {
      title:
        '国家网络安全事件报告管理办法 (Cyberspace Administration of China, 2025-09-11, in force 2025-11-01), annex 网络安全事件分级指南 (grading guide), as we read it',
    },
    criteria: [
      {
        figure: 'outageHours',
        label: 'Outage of a critical-information-infrastructure system (whole system)',
        unit: 'hours',
        thresholds: { 'relatively-major': 0.5, major: 2, 'particularly-major': 6 },
        note: 'the guide also grades an outage of main functions (2 h, 6 h, 24 h); enter the whole-system outage here',
      },
      {
        figure: 'peopleAffected',
        label: 'People whose water, power, gas, oil, heating or transport was affected',
        unit: 'people',
        thresholds: { 'relatively-major': 100_000, major: 1_000_000, 'particularly-major': 10_000_000 },
      },
      {
        figure: 'recordsLeaked',
        label: 'Personal-information records leaked (people)',
        unit: 'records',
        thresholds: { 'relatively-major': 1_000_000, major: 10_000_000, 'particularly-major': 100_000_000 },
      },
      {
        figure: 'directLoss',
        label: 'Direct economic loss',
        unit: 'CNY',
        thresholds: { 'relatively-major': 5_000_000, major: 20_000_000, 'particularly-major': 100_000_000 },
      },
      {
        figure: 'portalDowntimeHours',
        label: 'Downtime of a party or government portal or key news site (attack, defacement)',
        unit: 'hours',
        thresholds: { 'relatively-major': 6, major: 24 },
        note: 'our reading: the guide names portal outages without a single hour figure per grade; check before relying on it',
      },
    ],
  },
  'eu-nis2': {
    regime: 'eu-nis2',
    source: {
      title:
        'Commission Implementing Regulation (EU) 2024/2690, art. 3(1) (significant incidents of digital-infrastructure and ICT service providers)',
      url: 'https://eur-lex.europa.eu/eli/reg_impl/2024/2690/oj',
    },
    criteria: [
      {
        figure: 'directLoss',
        label: 'Direct financial loss (or 5 % of annual turnover, whichever is lower)',
        unit: 'EUR',
        thresholds: { 'relatively-major': 500_000 },
        note: "NIS2 knows only 'significant': it is taken as relatively major; the turnover alternative is not computed",
      },
    ],
  },
};

export interface FiredCriterion {
  figure: Figure;
  label: string;
  value: number;
  threshold: number;
  grade: AboveGeneral;
}

export interface Suggestion {
  regime: string;
  grade: Grade;
  /** Every criterion met, at the highest grade it reaches, highest first. */
  fired: FiredCriterion[];
  checklist: Checklist | null;
}

/** The grade the figures suggest under a regime's checklist (`general` when it has none or none fired). */
export function suggestGrade(regime: string, figures: Figures): Suggestion {
  const checklist = CHECKLISTS[regime] ?? null;
  const fired: FiredCriterion[] = [];
  for (const c of checklist?.criteria ?? []) {
    const value = figures[c.figure];
    if (value === undefined || !Number.isFinite(value)) continue;
    let best: FiredCriterion | undefined;
    for (const [grade, threshold] of Object.entries(c.thresholds) as [AboveGeneral, number][])
      if (value >= threshold && (!best || ORDER.indexOf(grade) > ORDER.indexOf(best.grade)))
        best = { figure: c.figure, label: c.label, value, threshold, grade };
    if (best) fired.push(best);
  }
  fired.sort((a, b) => ORDER.indexOf(b.grade) - ORDER.indexOf(a.grade));
  return { regime, grade: fired[0]?.grade ?? 'general', fired, checklist };
}
