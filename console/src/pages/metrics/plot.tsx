// Observable Plot charts for the analytical metrics views (the tile-grid map, deadlines): Plot
// renders SVG; this wrapper mounts it, names it for screen readers, and makes every mark that has
// an aria-label reachable with Tab, so the figures can be read from the keyboard as well as from
// the table view beside each chart. Quantile classes are computed here so that the legend can
// show how many regions fall in each class (the class histogram).
import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'react';

export function PlotChart({ render, label }: { render: () => SVGSVGElement | HTMLElement; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = render();
    // The first chart takes the label (not a colour legend's swatch); the others (a class
    // legend) keep the one Plot gave them.
    const main = el instanceof SVGSVGElement ? el : el.querySelector('svg[viewBox]');
    main?.setAttribute('aria-label', label);
    for (const svg of el instanceof SVGSVGElement ? [el] : el.querySelectorAll('svg[viewBox]')) {
      if (!svg.hasAttribute('aria-label')) continue;
      svg.setAttribute('role', 'group');
      svg.classList.add('metric-svg');
    }
    // Plot names its groups (marks, axes): a named group is a group for assistive technology.
    for (const g of el.querySelectorAll('g[aria-label]')) g.setAttribute('role', 'group');
    // A mark named by Plot becomes an image with that name, reachable with Tab.
    for (const m of el.querySelectorAll('g[aria-label] > [aria-label]')) {
      m.setAttribute('role', 'img');
      m.setAttribute('tabindex', '0');
    }
    ref.current?.replaceChildren(el);
    return () => el.remove();
  }, [render, label]);
  return <div ref={ref} className="metric-plot" />;
}

/** Quantile class thresholds (n classes: n − 1 inner quantiles, linear interpolation), distinct. */
export function quantileThresholds(values: readonly number[], n = 5): number[] {
  const v = [...values].sort((a, b) => a - b);
  if (v.length < 2) return [];
  const out: number[] = [];
  for (let k = 1; k < n; k++) {
    const p = (k / n) * (v.length - 1);
    const lo = Math.floor(p);
    const q = v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (p - lo);
    if (!out.includes(q)) out.push(q);
  }
  return out;
}

/** The class of `v` among `thresholds` (0 … thresholds.length). */
export function classOf(v: number, thresholds: readonly number[]): number {
  let c = 0;
  for (const t of thresholds) if (v >= t) c++;
  return c;
}

const SCHEME = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
const SCHEME_BAD = ['#fee5d9', '#fcae91', '#fb6a4a', '#de2d26', '#a50f15'];

export function classColours(count: number, lowerIsBetter: boolean): string[] {
  const s = lowerIsBetter ? SCHEME_BAD : SCHEME;
  if (count >= s.length) return s;
  // Spread over the scheme: 2 classes take its ends.
  return Array.from(
    { length: count },
    (_, i) => s[Math.round((i * (s.length - 1)) / Math.max(1, count - 1))]!,
  );
}

const num = (v: number) =>
  Math.abs(v) >= 100 ? Math.round(v).toString() : Number(v.toPrecision(3)).toString();

export interface Tile {
  code: string;
  name: string;
  col: number;
  row: number;
  value: number | null;
  suppressed: boolean;
}

/** Tiles coloured by quantile class (quintiles, fewer when fewer distinct values), with each class's count. */
function classify(tiles: readonly Tile[], lowerIsBetter: boolean) {
  const values = tiles.map((t) => t.value).filter((v): v is number => v !== null);
  // Five classes (quintiles), fewer when fewer distinct values are shown.
  const thresholds = quantileThresholds(values, Math.min(5, new Set(values).size));
  const colours = classColours(thresholds.length + 1, lowerIsBetter);
  const bounds = [Math.min(...values), ...thresholds, Math.max(...values)];
  const classes = colours.map((colour, i) => ({
    label: values.length ? `${num(bounds[i]!)}–${num(bounds[i + 1]!)}` : '',
    colour,
    regions: 0,
  }));
  const data = tiles.map((t) => {
    const c = t.value === null ? null : classOf(t.value, thresholds);
    if (c !== null) classes[c]!.regions++;
    const shown = t.suppressed ? '< 5' : t.value === null ? 'no data' : num(t.value);
    return {
      ...t,
      fill: c === null ? '#e5e7eb' : colours[c]!,
      ink: c !== null && c >= Math.ceil(colours.length / 2) ? 'white' : 'black',
      label: `${t.name}: ${shown}${c === null ? '' : ` (class ${c + 1} of ${colours.length})`}`,
      shown,
    };
  });
  return { data, classes, hasValues: values.length > 0 };
}

/** The map beside its legend, the class histogram (how many regions fall in each class). */
function withLegend(
  map: SVGSVGElement | HTMLElement,
  classes: readonly { label: string; colour: string; regions: number }[],
  hasValues: boolean,
  title: string,
) {
  const most = Math.max(1, ...classes.map((c) => c.regions));
  const wrap = document.createElement('div');
  wrap.className = 'metric-tilegrid';
  if (!hasValues) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = 'No region has a value to class (no data, or fewer than 5).';
    wrap.append(map, note);
    return wrap;
  }
  const legend = Plot.plot({
    width: 220,
    height: 90,
    marginLeft: 28,
    marginBottom: 28,
    x: { label: null, domain: classes.map((c) => c.label) },
    y: { label: 'regions', grid: true, domain: [0, most], ticks: Math.min(most, 4), tickFormat: 'd' },
    marks: [
      Plot.barY(classes, {
        x: 'label',
        y: 'regions',
        fill: 'colour',
        stroke: '#666',
        ariaLabel: (c: { label: string; regions: number }) => `${c.label}: ${c.regions} regions`,
      }),
    ],
    style: { fontSize: '8px' },
    ariaLabel: `Classes of ${title}: number of regions in each`,
  });
  wrap.append(map, legend);
  return wrap;
}

/** One indicator on the equal-area tile grid, coloured by quantile class, with a class-histogram legend. */
export function tileGrid(
  tiles: readonly Tile[],
  opts: { title: string; unit: string; lowerIsBetter: boolean },
) {
  const { data, classes, hasValues } = classify(tiles, opts.lowerIsBetter);
  const cols = Math.max(1, ...tiles.map((t) => t.col + 1));
  const rows = Math.max(1, ...tiles.map((t) => t.row + 1));
  const map = Plot.plot({
    width: Math.min(360, 72 * cols + 20),
    height: 64 * rows + 20,
    margin: 10,
    x: { axis: null, domain: Array.from({ length: cols }, (_, i) => i) },
    y: { axis: null, domain: Array.from({ length: rows }, (_, i) => i) },
    marks: [
      Plot.cell(data, {
        x: 'col',
        y: 'row',
        fill: 'fill',
        inset: 2,
        rx: 4,
        ariaLabel: 'label',
        title: 'label',
      }),
      Plot.text(data, { x: 'col', y: 'row', text: 'code', dy: -8, fill: 'ink', fontSize: 10 }),
      Plot.text(data, { x: 'col', y: 'row', text: 'shown', dy: 8, fill: 'ink', fontWeight: 'bold' }),
    ],
    ariaLabel: `${opts.title} (${opts.unit})`,
  });
  return { element: withLegend(map, classes, hasValues, opts.title), classes };
}

/** A GeoJSON FeatureCollection whose features carry the region code in `properties.region`. */
export interface RegionFeatures {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { region: string };
    geometry: { type: string; coordinates: unknown[] };
  }[];
}

/**
 * One indicator on the operator's own boundaries (Plot's geo mark), with the same quantile classes
 * and legend as the tile grid. Drawn planar (longitude right, latitude up, fitted to the file's
 * extent): no spherical winding rules to trip over, and a region's shape as the file gives it.
 * Regions without a boundary in the file are listed under the map.
 */
export function geoMap(
  tiles: readonly Tile[],
  shapes: RegionFeatures,
  opts: { title: string; unit: string; lowerIsBetter: boolean },
) {
  const { data, classes, hasValues } = classify(tiles, opts.lowerIsBetter);
  const byRegion = new Map(data.map((d) => [d.code, d]));
  const features = shapes.features
    .filter((f) => byRegion.has(f.properties.region))
    .map((f) => ({ ...f, tile: byRegion.get(f.properties.region)! }));
  type F = (typeof features)[number];
  const map = Plot.plot({
    width: 360,
    height: 260,
    margin: 10,
    projection: { type: 'reflect-y', domain: { type: 'FeatureCollection', features } as never },
    marks: [
      Plot.geo(features, {
        fill: (f: F) => f.tile.fill,
        stroke: 'white',
        strokeWidth: 1.5,
        ariaLabel: (f: F) => f.tile.label,
        title: (f: F) => f.tile.label,
      }),
      Plot.text(
        features,
        Plot.centroid({
          text: (f: F) => `${f.tile.code}\n${f.tile.shown}`,
          fill: (f: F) => f.tile.ink,
          fontSize: 10,
        }),
      ),
    ],
    ariaLabel: `${opts.title} (${opts.unit}), operator-supplied boundaries`,
  });
  const missing = data.filter((d) => !features.some((f) => f.tile.code === d.code));
  const element = withLegend(map, classes, hasValues, `${opts.title} (boundaries)`);
  if (missing.length) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = `No boundary in the file for: ${missing.map((d) => d.label).join('; ')}`;
    element.append(note);
  }
  return { element, classes };
}

/** Reports by hours to report (bins), with the legal limit drawn as a rule. */
export function timeToReportChart(
  bins: readonly { fromHours: number; toHours: number | null; reports: number | null }[],
  limitHours: number | null,
  stage: string,
) {
  const data = bins.map((b) => ({
    x1: b.fromHours,
    x2: b.toHours ?? Math.max(b.fromHours * 2, b.fromHours + 24),
    reports: b.reports ?? 0,
    label: `${b.fromHours}–${b.toHours ?? '…'} h: ${b.reports === null ? '< 5' : b.reports} reports`,
  }));
  const top = Math.max(1, ...data.map((d) => d.reports));
  const hidden = bins.filter((b) => b.reports === null);
  return Plot.plot({
    width: 560,
    height: 200,
    marginLeft: 40,
    marginRight: 20,
    x: {
      type: 'symlog',
      label: 'hours from awareness to filing →',
      domain: [0, Math.max(limitHours ?? 0, ...data.map((d) => d.x2))],
    },
    y: { label: '↑ reports', grid: true, domain: [0, top], ticks: Math.min(top, 5), tickFormat: 'd' },
    marks: [
      Plot.rectY(data, {
        x1: 'x1',
        x2: 'x2',
        y: 'reports',
        fill: '#6baed6',
        inset: 1,
        ariaLabel: 'label',
        title: 'label',
      }),
      // A suppressed bin (1–4 reports) is marked where it lies, without its height.
      Plot.text(
        hidden.map((b) => ({ x: (b.fromHours + (b.toHours ?? b.fromHours * 2)) / 2 })),
        { x: 'x', y: 0, text: () => '< 5', dy: -8, fill: '#5a6473' },
      ),
      ...(limitHours === null
        ? []
        : [
            Plot.ruleX([limitHours], {
              stroke: '#c0392b',
              strokeWidth: 2,
              ariaLabel: () => `legal limit ${limitHours} h`,
            }),
            Plot.text([limitHours], {
              x: (d: number) => d,
              y: top,
              text: () => `legal limit ${limitHours} h`,
              dx: -4,
              textAnchor: 'end',
              fill: '#c0392b',
            }),
          ]),
      Plot.ruleY([0]),
    ],
    ariaLabel: `Time to report, stage ${stage}`,
  });
}

const GRADES = ['general', 'relatively-major', 'major', 'particularly-major'];
const GRADE_COLOURS = ['#8fb3d9', '#e3b04b', '#d9634c', '#8c1d18'];

/** Incidents per month stacked by grade (suppressed cells left out; the table shows them). */
export function incidentsByGradeChart(
  months: readonly { month: string; byGrade: Record<string, number | null> }[],
) {
  const data = months.flatMap((m) =>
    GRADES.filter((g) => (m.byGrade[g] ?? 0) > 0).map((g) => ({
      month: m.month,
      grade: g,
      incidents: m.byGrade[g]!,
      label: `${m.month} ${g}: ${m.byGrade[g]}`,
    })),
  );
  const totals = months.map((m) => GRADES.reduce((n, g) => n + (m.byGrade[g] ?? 0), 0));
  const top = Math.max(1, ...totals);
  const hidden = months.filter((m) => Object.values(m.byGrade).some((v) => v === null));
  return Plot.plot({
    width: 640,
    height: 220,
    marginLeft: 40,
    x: { label: null, domain: months.map((m) => m.month), tickFormat: (d: string) => d.slice(2) },
    y: { label: '↑ incidents', grid: true, domain: [0, top], ticks: Math.min(top, 5), tickFormat: 'd' },
    color: { domain: GRADES, range: GRADE_COLOURS, legend: true },
    marks: [
      Plot.barY(data, { x: 'month', y: 'incidents', fill: 'grade', ariaLabel: 'label', title: 'label' }),
      // A month with a suppressed grade (1–4 incidents) says so above its bar.
      Plot.text(hidden, {
        x: 'month',
        y: (m: { month: string }) => totals[months.findIndex((x) => x.month === m.month)] ?? 0,
        text: () => '+ < 5',
        dy: -8,
        fill: '#5a6473',
      }),
      Plot.ruleY([0]),
    ],
    ariaLabel: 'Incidents by month and grade, drills apart',
  });
}

/** KEV exposures past due by age band. */
export function kevAgeingChart(bands: readonly { band: string; exposures: number | null }[]) {
  const data = bands.map((b) => ({
    ...b,
    n: b.exposures ?? 0,
    label: `${b.band}: ${b.exposures === null ? '< 5' : b.exposures}`,
  }));
  const top = Math.max(1, ...data.map((d) => d.n));
  return Plot.plot({
    width: 560,
    height: 160,
    marginLeft: 90,
    x: { label: 'exposures →', grid: true, domain: [0, top], ticks: Math.min(top, 5), tickFormat: 'd' },
    y: { label: null, domain: bands.map((b) => b.band) },
    marks: [
      Plot.barX(data, { y: 'band', x: 'n', fill: '#de2d26', ariaLabel: 'label', title: 'label' }),
      Plot.text(
        data.filter((d) => d.exposures === null),
        { y: 'band', x: 0, text: () => '< 5 (suppressed)', textAnchor: 'start', dx: 4, fill: '#5a6473' },
      ),
      Plot.ruleX([0]),
    ],
    ariaLabel: 'Known-exploited exposures past due by days past due',
  });
}

/** A data: URL with `rows` as CSV (cells starting with = + - @ prefixed with '). */
export function csvHref(rows: readonly Record<string, string | number | null>[]): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const field = (v: string | number | null | undefined) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (/^[=+\-@]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [cols.join(','), ...rows.map((r) => cols.map((c) => field(r[c])).join(','))].join('\r\n');
  return `data:text/csv;charset=utf-8,${encodeURIComponent(`${text}\r\n`)}`;
}

/** The digital gap over time: one line per region (urban minus rural, in points), a dot per period. */
export function gapOverTimeChart(
  series: readonly {
    code: string;
    name: string;
    points: readonly { period: string; gap: number | null }[];
  }[],
  periods: readonly string[],
) {
  const data = series.flatMap((s) =>
    s.points
      .filter((p) => p.gap !== null)
      .map((p) => ({
        region: s.code,
        period: p.period,
        gap: p.gap!,
        label: `${s.name} ${p.period}: gap ${num(p.gap!)} points`,
      })),
  );
  const top = Math.max(1, ...data.map((d) => d.gap));
  const low = Math.min(0, ...data.map((d) => d.gap));
  return Plot.plot({
    width: 640,
    height: 260,
    marginLeft: 44,
    marginRight: 70,
    x: { type: 'point', label: null, domain: [...periods] },
    y: { label: '↑ urban minus rural (points)', grid: true, domain: [low, top], nice: true },
    color: { legend: true, domain: series.map((s) => s.code) },
    marks: [
      Plot.ruleY([0]),
      Plot.line(data, { x: 'period', y: 'gap', stroke: 'region', strokeWidth: 2 }),
      Plot.dot(data, {
        x: 'period',
        y: 'gap',
        fill: 'region',
        r: 4,
        ariaLabel: 'label',
        title: 'label',
      }),
      Plot.text(
        data.filter((d) => d.period === periods.at(-1)),
        { x: 'period', y: 'gap', text: 'region', dx: 8, textAnchor: 'start', fill: 'region' },
      ),
    ],
    ariaLabel: 'Digital gap over time by region',
  });
}
