// The grading checklist as data, per regime: which impact figures make an incident relatively
// major, major or particularly major, and the pure function that suggests a grade from the
// figures with the criteria that fired. The highest grade any criterion reaches is the suggestion;
// none fired is `general`. It only suggests: the reporting organization grades (and regrades).
// A checklist is part of its regime (deadlines.ts `Regime.grading`), so it is versioned with it.

/** The impact figures a checklist reads (the incident's `impact`). */
export const FIGURES = [
  'outageHours',
  'mainFunctionOutageHours',
  'peopleAffected',
  'cityPopulationSharePercent',
  'provincePopulationSharePercent',
  'recordsLeaked',
  'importantDataThreat',
  'directLoss',
  'portalDowntimeHours',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Partial<Record<Figure, number>>;

type AboveGeneral = Exclude<Grade, 'general'>;
// The grades in rising order (deadlines.ts GRADES; spelled here so the engine may import this module).
const ORDER = ['general', 'relatively-major', 'major', 'particularly-major'] as const;
type Grade = (typeof ORDER)[number];

export interface Criterion {
  figure: Figure;
  label: string;
  unit: string;
  /** The least value of the figure that makes each grade (inclusive); a grade left out is not reached by it. */
  thresholds: Partial<Record<AboveGeneral, number>>;
  /** Where our reading goes beyond the cited text. */
  note?: string;
  /** A figure that is a judgement on a scale, not a count: the values the form offers, in order. */
  choices?: { value: number; label: string }[];
}

export interface Checklist {
  source: { title: string; url?: string };
  criteria: Criterion[];
}

export const CHECKLISTS: Record<string, Checklist> = {
  'cn-2025': {
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
        note: 'an outage of main functions only is the next criterion',
      },
      {
        figure: 'mainFunctionOutageHours',
        label: 'Outage of the main functions of a critical-information-infrastructure system',
        unit: 'hours',
        thresholds: { 'relatively-major': 2, major: 6, 'particularly-major': 24 },
      },
      {
        figure: 'peopleAffected',
        label: 'People whose water, power, gas, oil, heating or transport was affected',
        unit: 'people',
        thresholds: { 'relatively-major': 100_000, major: 1_000_000, 'particularly-major': 10_000_000 },
      },
      {
        figure: 'cityPopulationSharePercent',
        label: "Share of one prefecture-level city's population whose work and life were affected",
        unit: '%',
        thresholds: { 'relatively-major': 30 },
      },
      {
        figure: 'provincePopulationSharePercent',
        label: "Share of one province's population whose work and life were affected",
        unit: '%',
        thresholds: { major: 10, 'particularly-major': 30 },
      },
      {
        figure: 'recordsLeaked',
        label: 'Personal-information records leaked (people)',
        unit: 'records',
        thresholds: { 'relatively-major': 1_000_000, major: 10_000_000, 'particularly-major': 100_000_000 },
      },
      {
        figure: 'importantDataThreat',
        label: 'Important data leaked or stolen: the threat to national security and social stability',
        unit: 'level',
        thresholds: { 'relatively-major': 1, major: 2, 'particularly-major': 3 },
        choices: [
          { value: 0, label: 'none, or no important data' },
          { value: 1, label: 'relatively serious threat (较严重威胁)' },
          { value: 2, label: 'serious threat (严重威胁)' },
          { value: 3, label: 'particularly serious threat (特别严重威胁)' },
        ],
        note: 'a judgement, not a count: the reporting organization assesses the threat',
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
export function suggestGrade(
  regime: { id: string; grading?: Checklist | null },
  figures: Figures,
): Suggestion {
  const checklist = regime.grading ?? null;
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
  return { regime: regime.id, grade: fired[0]?.grade ?? 'general', fired, checklist };
}

/**
 * What is wrong with a checklist, with pointers under `at`: figures known and each once, at least
 * one threshold, thresholds finite, not negative and rising with the grade (a higher grade never
 * needs less).
 */
export function checklistIssues(c: Checklist, at: string): { pointer: string; detail: string }[] {
  const out: { pointer: string; detail: string }[] = [];
  const seen = new Set<string>();
  c.criteria.forEach((k, i) => {
    const p = `${at}/criteria/${i}`;
    if (!(FIGURES as readonly string[]).includes(k.figure))
      out.push({ pointer: `${p}/figure`, detail: `must be one of ${FIGURES.join(', ')}` });
    else if (seen.has(k.figure)) out.push({ pointer: `${p}/figure`, detail: `${k.figure} appears twice` });
    seen.add(k.figure);
    const entries = Object.entries(k.thresholds) as [string, number][];
    if (entries.length === 0) out.push({ pointer: `${p}/thresholds`, detail: 'needs at least one grade' });
    let last: { grade: string; value: number } | undefined;
    for (const grade of ORDER.slice(1)) {
      const v = k.thresholds[grade as AboveGeneral];
      if (v === undefined) continue;
      if (!Number.isFinite(v) || v < 0) {
        out.push({ pointer: `${p}/thresholds/${grade}`, detail: 'must be a number, not negative' });
        continue;
      }
      if (last && v < last.value)
        out.push({
          pointer: `${p}/thresholds/${grade}`,
          detail: `is below the ${last.grade} threshold (${last.value}): a higher grade cannot need less`,
        });
      last = { grade, value: v };
    }
    for (const g of Object.keys(k.thresholds))
      if (!ORDER.slice(1).includes(g as Grade))
        out.push({ pointer: `${p}/thresholds/${g}`, detail: 'is not a grade above general' });
  });
  return out;
}
