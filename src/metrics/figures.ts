// Security figures of a region from the domains' cells (pure): cells are counted where the
// region holds them (BW-N holds BW-N-01), rates are ratios of sums of the cells, and cells under 5
// that could single out an organization or a reporter are suppressed.
import { inRegion } from './model.ts';
import { ratio } from './rollup.ts';

/** A count of 1–4 could identify an organization or a reporter: shown as suppressed. */
export const SMALL_CELL = 5;

/**
 * The one small-cell rule of every view (the overview, the region page, the deadlines view, the tile
 * map): a count of 1–4 in a breakdown becomes null. The BI views apply the same bound in SQL.
 */
export function suppressedCount(n: number): number | null {
  return n > 0 && n < SMALL_CELL ? null : n;
}

/** `suppressedCount` over the values of a breakdown (null stays null). */
export function suppressCounts(x: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v === null ? null : suppressedCount(v)]));
}

/**
 * Incidents by month and grade within `region` (drills apart: the cells hold none), one entry per
 * month of `months`, each grade's count under the small-cell rule. The overview's chart and the
 * deadlines view both take this, so they cannot disagree on a month.
 */
export function incidentsByMonthAndGrade(
  incidents: Cells['incidents'],
  months: readonly string[],
  region: string,
): { month: string; byGrade: Record<string, number | null> }[] {
  return months.map((m) => {
    const byGrade: Record<string, number> = {};
    for (const c of incidents)
      if (c.month === m && inRegion(region, c.region))
        byGrade[c.grade] = (byGrade[c.grade] ?? 0) + c.incidents;
    return { month: m, byGrade: suppressCounts(byGrade) };
  });
}

export interface Cells {
  assets: { region: string; sector: string | null; criticalAssets: number; orgs: number }[];
  exposures: {
    region: string;
    sector: string | null;
    openCriticalHigh: number;
    kevPastDue: number;
    kevPastDueMaxDays: number | null;
    kevPastDueTotalDays: number;
    orgs: number;
  }[];
  incidents: {
    region: string;
    sector: string | null;
    month: string;
    grade: string;
    incidents: number;
    overdue: number;
    orgs: number;
  }[];
  reports: {
    region: string;
    sector: string | null;
    stage: string;
    due: number;
    onTime: number;
    p90LateHours: number | null;
  }[];
  /** Obligations past their deadline and not filed, every missed stage of an incident under its own stage. */
  overdueObligations: { region: string; sector: string | null; stage: string; n: number }[];
  publicReports: { region: string | null; month: string; reports: number; awaitingTriage: number }[];
  /**
   * Hours late of every late obligation: statutory reports filed late (hours past the deadline at
   * filing) and obligations still unfiled past their deadline (hours past it now), for p90 lateness.
   * Absent: not read (p90 is then null).
   */
  lateness?: { region: string; sector: string | null; lateHours: number; n: number }[];
}

export interface SecurityFigures {
  criticalAssets: number;
  openCriticalHigh: number;
  openCriticalHighPer100CriticalAssets: number | null;
  kevPastDue: number;
  kevPastDueMaxDays: number | null;
  kevPastDueMeanDays: number | null;
  incidents: number;
  incidentsThisMonth: number;
  incidentsLastMonth: number;
  majorIncidents: number;
  overdueIncidents: number;
  /** Statutory reports filed, plus obligations past their deadline and not yet filed (late). */
  reportsDue: number;
  reportsOnTime: number;
  reportsOnTimePercent: number | null;
  /** Obligations past their deadline and not filed: counted as late in the share above. */
  reportsOverdueNotFiled: number;
  /** 90th percentile of hours late over the late ones, filed or not (nearest rank, whole hours). */
  p90LateHours: number | null;
  publicReports: number | null;
  publicReportsPer100k: number | null;
  awaitingTriage: number | null;
}

const MAJOR = new Set(['major', 'particularly-major']);

export function securityFigures(
  cells: Cells,
  region: string,
  opts: { sector?: string | null; population: number | null; thisMonth: string; lastMonth: string },
): SecurityFigures {
  const here = <T extends { region: string | null; sector?: string | null }>(xs: T[]) =>
    xs.filter(
      (x) =>
        x.region !== null &&
        inRegion(region, x.region) &&
        (opts.sector === undefined || x.sector === opts.sector),
    );
  const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const assets = sum(here(cells.assets), (x) => x.criticalAssets);
  const exp = here(cells.exposures);
  const och = sum(exp, (x) => x.openCriticalHigh);
  const kev = sum(exp, (x) => x.kevPastDue);
  const kevMax = exp.reduce<number | null>(
    (m, x) => (x.kevPastDueMaxDays === null ? m : Math.max(m ?? 0, x.kevPastDueMaxDays)),
    null,
  );
  const inc = here(cells.incidents);
  const rep = here(cells.reports);
  // An obligation past its deadline and not filed is late already: the share counts it, each missed
  // stage of an incident once (an incident that missed two stages is two late obligations).
  const overdue = sum(inc, (x) => x.overdue);
  const unfiled = sum(here(cells.overdueObligations), (x) => x.n);
  const due = sum(rep, (x) => x.due) + unfiled;
  const onTime = sum(rep, (x) => x.onTime);
  const late = cells.lateness
    ? percentileOfCounts(
        here(cells.lateness).map((x) => [x.lateHours, x.n] as const),
        0.9,
      )
    : null;
  // Public reports have no sector: shown for a region only.
  const pub = opts.sector === undefined ? here(cells.publicReports) : null;
  const pubCount = pub ? sum(pub, (x) => x.reports) : null;
  return {
    criticalAssets: assets,
    openCriticalHigh: och,
    openCriticalHighPer100CriticalAssets: ratio(och, assets, 100),
    kevPastDue: kev,
    kevPastDueMaxDays: kevMax,
    kevPastDueMeanDays: kev > 0 ? sum(exp, (x) => x.kevPastDueTotalDays) / kev : null,
    incidents: sum(inc, (x) => x.incidents),
    incidentsThisMonth: sum(
      inc.filter((x) => x.month === opts.thisMonth),
      (x) => x.incidents,
    ),
    incidentsLastMonth: sum(
      inc.filter((x) => x.month === opts.lastMonth),
      (x) => x.incidents,
    ),
    majorIncidents: sum(
      inc.filter((x) => MAJOR.has(x.grade)),
      (x) => x.incidents,
    ),
    overdueIncidents: overdue,
    reportsDue: due,
    reportsOnTime: onTime,
    reportsOnTimePercent: ratio(onTime, due, 100),
    reportsOverdueNotFiled: unfiled,
    p90LateHours: late,
    publicReports: pubCount,
    publicReportsPer100k:
      pubCount !== null && opts.population ? ratio(pubCount, opts.population, 100_000) : null,
    awaitingTriage: pub ? sum(pub, (x) => x.awaitingTriage) : null,
  };
}

/** The counts of a breakdown cell with 1–4 of something, blanked: a small cell can name its source. */
export function suppressSmall(f: SecurityFigures): SecurityFigures & { suppressed: string[] } {
  const out: SecurityFigures & { suppressed: string[] } = { ...f, suppressed: [] };
  const counts: (keyof SecurityFigures)[] = [
    'incidents',
    'incidentsThisMonth',
    'incidentsLastMonth',
    'majorIncidents',
    'overdueIncidents',
    'reportsDue',
    'reportsOnTime',
    'reportsOverdueNotFiled',
    'publicReports',
    'awaitingTriage',
  ];
  for (const k of counts) {
    const v = f[k];
    if (typeof v === 'number' && suppressedCount(v) === null) {
      (out as unknown as Record<string, number | null>)[k] = null;
      out.suppressed.push(k);
    }
  }
  // A rate over a suppressed count would give the count back.
  if (out.suppressed.includes('reportsDue') || out.suppressed.includes('reportsOnTime')) {
    out.reportsOnTimePercent = null;
    out.p90LateHours = null;
  }
  // The percentile of fewer than five late reports is one of them.
  if (suppressedCount(f.reportsDue - f.reportsOnTime) === null) out.p90LateHours = null;
  if (out.suppressed.includes('publicReports')) out.publicReportsPer100k = null;
  return out;
}

/** A 0–100 index: the weighted mean of min–max normalised values, turned where lower is better. */
export function compositeIndex(
  rows: readonly Record<string, number | null>[],
  parts: readonly { key: string; lowerIsBetter: boolean; weight: number }[],
): (number | null)[] {
  const ranges = parts.map((p) => {
    const vs = rows.map((r) => r[p.key]).filter((v): v is number => v !== null && v !== undefined);
    return { min: Math.min(...vs), max: Math.max(...vs), any: vs.length > 0 };
  });
  return rows.map((r) => {
    let total = 0;
    let weights = 0;
    parts.forEach((p, i) => {
      const v = r[p.key];
      const range = ranges[i]!;
      if (v === null || v === undefined || !range.any || p.weight <= 0) return;
      let score = range.max === range.min ? 50 : ((v - range.min) / (range.max - range.min)) * 100;
      if (p.lowerIsBetter) score = 100 - score;
      total += score * p.weight;
      weights += p.weight;
    });
    return weights > 0 ? Math.round((total / weights) * 10) / 10 : null;
  });
}

/**
 * Statutory report timeliness by region, sector and stage from the cells' histogram of whole hours:
 * reports due, those filed in time, and the 90th percentile of lateness among late ones (nearest
 * rank, in whole hours rounded up).
 */
export function reportsFromHistogram(
  rows: readonly {
    region: string;
    sector: string | null;
    stage: string;
    lateHours: number | null;
    reports: number;
  }[],
): Cells['reports'] {
  const groups = new Map<string, { cell: Cells['reports'][number]; late: [number, number][] }>();
  for (const r of rows) {
    const k = JSON.stringify([r.region, r.sector, r.stage]);
    let g = groups.get(k);
    if (!g) {
      g = {
        cell: { region: r.region, sector: r.sector, stage: r.stage, due: 0, onTime: 0, p90LateHours: null },
        late: [],
      };
      groups.set(k, g);
    }
    g.cell.due += r.reports;
    if (r.lateHours === null) g.cell.onTime += r.reports;
    else g.late.push([r.lateHours, r.reports]);
  }
  for (const g of groups.values()) g.cell.p90LateHours = percentileOfCounts(g.late, 0.9);
  return [...groups.values()].map((g) => g.cell);
}

/** The nearest-rank percentile of values given with their counts (null when there are none). */
export function percentileOfCounts(values: readonly (readonly [number, number])[], p: number): number | null {
  const total = values.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [v, n] of [...values].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen >= rank) return v;
  }
  return null;
}
