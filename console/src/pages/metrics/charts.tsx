// Hand-written SVG charts for the metrics views: each is an <svg role="img"> with a title and a
// description, its marks focusable with the keyboard (Tab) and named for screen readers, and sits in
// a ChartFrame that switches to a table view and offers the same figures as CSV.
import { type ReactNode, useId, useState } from 'react';

export function ChartFrame({
  title,
  csvHref,
  table,
  children,
}: {
  title: string;
  csvHref?: string;
  table: ReactNode;
  children: ReactNode;
}) {
  const [asTable, setAsTable] = useState(false);
  return (
    <figure className="metric-chart" aria-label={title}>
      <figcaption>
        <h2 className="panel-title">{title}</h2>
        <span className="metric-chart-actions">
          <button
            type="button"
            className="button small"
            aria-pressed={asTable}
            onClick={() => setAsTable(!asTable)}
          >
            {asTable ? 'Show chart' : 'Show table'}
          </button>
          {csvHref && (
            <a className="button small" href={csvHref} download>
              Download CSV
            </a>
          )}
        </span>
      </figcaption>
      {asTable ? table : children}
    </figure>
  );
}

const GRADE_COLOURS: Record<string, string> = {
  general: '#8fb3d9',
  'relatively-major': '#e3b04b',
  major: '#d9634c',
  'particularly-major': '#8c1d18',
};

/**
 * Integer ticks from 0 to at least `max`, at a step of 1, 2 or 5 × 10ⁿ, about `count` of them: the
 * y axis shows every tick with a grid line, not only its top value.
 */
export function integerTicks(max: number, count = 4): number[] {
  const raw = Math.max(1, max / count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

/** The words for a month's count when some grade's count is under five (suppressed: null). */
function monthTotal(byGrade: Record<string, number | null>, grades: readonly string[]): string {
  const shown = grades.reduce((s, g) => s + (byGrade[g] ?? 0), 0);
  const hidden = grades.filter((g) => byGrade[g] === null).length;
  return hidden ? `${shown} and ${hidden} grade${hidden > 1 ? 's' : ''} < 5` : String(shown);
}

/** Incidents per month stacked by grade; a grade's count of 1–4 (null) is not drawn and marked "< 5". */
export function StackedBars({
  months,
}: {
  months: { month: string; byGrade: Record<string, number | null> }[];
}) {
  const id = useId();
  const grades = Object.keys(GRADE_COLOURS);
  const w = 640;
  const h = 200;
  const pad = { l: 32, b: 24, t: 8 };
  const ticks = integerTicks(
    Math.max(1, ...months.map((m) => grades.reduce((s, g) => s + (m.byGrade[g] ?? 0), 0))),
  );
  const max = ticks.at(-1)!;
  const bw = (w - pad.l) / months.length;
  const y = (v: number) => ((h - pad.b - pad.t) * v) / max;
  return (
    <svg viewBox={`0 0 ${w} ${h + 20}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="metric-svg">
      <title id={`${id}-t`}>Incidents by month and grade</title>
      <desc id={`${id}-d`}>
        {months.map((m) => `${m.month}: ${monthTotal(m.byGrade, grades)}`).join('; ')}
      </desc>
      <g className="y-axis">
        {ticks.map((t) => (
          <g key={t} className="tick" transform={`translate(0, ${h - pad.b - y(t)})`}>
            <line x1={pad.l} x2={w} stroke={t === 0 ? '#999' : '#e4e4e4'} />
            <text x={pad.l - 4} dy="0.32em" textAnchor="end" fontSize="10">
              {t}
            </text>
          </g>
        ))}
      </g>
      {months.map((m, i) => {
        let base = h - pad.b;
        const hidden = grades.some((g) => m.byGrade[g] === null);
        return (
          <g key={m.month} tabIndex={0} aria-label={`${m.month}: ${monthTotal(m.byGrade, grades)} incidents`}>
            {grades.map((g) => {
              const v = m.byGrade[g] ?? 0;
              if (!v) return null;
              base -= y(v);
              return (
                <rect
                  key={g}
                  x={pad.l + i * bw + 2}
                  width={bw - 4}
                  y={base}
                  height={y(v)}
                  fill={GRADE_COLOURS[g]}
                >
                  <title>{`${m.month} ${g}: ${v}`}</title>
                </rect>
              );
            })}
            {hidden && (
              <text x={pad.l + i * bw + bw / 2} y={base - 3} textAnchor="middle" fontSize="8">
                {'< 5'}
              </text>
            )}
            <text x={pad.l + i * bw + bw / 2} y={h - pad.b + 14} textAnchor="middle" fontSize="9">
              {m.month.slice(2)}
            </text>
          </g>
        );
      })}
      {grades.map((g, k) => (
        <g key={g} transform={`translate(${pad.l + k * 150}, ${h + 8})`}>
          <rect width="10" height="10" y="-8" fill={GRADE_COLOURS[g]} />
          <text x="14" fontSize="10">
            {g}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** Two wings: informatization index (x) against security index (y), bubble area by population. */
export function Bubbles({
  rows,
}: {
  rows: {
    code: string;
    name: string;
    population: number | null;
    informatizationIndex: number | null;
    securityIndex: number | null;
  }[];
}) {
  const id = useId();
  const w = 480;
  const h = 360;
  const pad = 40;
  const pts = rows.filter((r) => r.informatizationIndex !== null && r.securityIndex !== null);
  const maxPop = Math.max(1, ...pts.map((r) => r.population ?? 0));
  // Bubbles at 0 or 100 (the lowest and highest region) stay inside the frame.
  const inset = 32;
  const x = (v: number) => pad + inset + ((w - 2 * pad - 2 * inset) * v) / 100;
  const y = (v: number) => h - pad - inset - ((h - 2 * pad - 2 * inset) * v) / 100;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="metric-svg">
      <title id={`${id}-t`}>Informatization index against security index per region</title>
      <desc id={`${id}-d`}>
        {pts
          .map((r) => `${r.name}: informatization ${r.informatizationIndex}, security ${r.securityIndex}`)
          .join('; ')}
      </desc>
      <rect x={pad} y={pad} width={w - 2 * pad} height={h - 2 * pad} fill="none" stroke="#ccc" />
      <line x1={x(50)} x2={x(50)} y1={pad} y2={h - pad} stroke="#ddd" strokeDasharray="4" />
      <line x1={pad} x2={w - pad} y1={y(50)} y2={y(50)} stroke="#ddd" strokeDasharray="4" />
      <text x={w / 2} y={h - 8} textAnchor="middle" fontSize="11">
        Informatization index (0–100) →
      </text>
      <text x={12} y={h / 2} textAnchor="middle" fontSize="11" transform={`rotate(-90 12 ${h / 2})`}>
        Security index (0–100) →
      </text>
      {pts.map((r) => {
        const rad = 6 + 24 * Math.sqrt((r.population ?? 0) / maxPop);
        return (
          <g
            key={r.code}
            tabIndex={0}
            aria-label={`${r.name}: informatization ${r.informatizationIndex}, security ${r.securityIndex}`}
          >
            <circle
              cx={x(r.informatizationIndex!)}
              cy={y(r.securityIndex!)}
              r={rad}
              fill="#3b6ea5"
              fillOpacity="0.45"
              stroke="#1d3f66"
            />
            <text
              x={x(r.informatizationIndex!)}
              y={y(r.securityIndex!) + 4}
              textAnchor="middle"
              fontSize="10"
            >
              {r.code}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** The digital gap: urban and rural Internet use per region, joined by a bar, sorted by gap. */
export function Dumbbells({
  rows,
}: {
  rows: {
    code: string;
    name: string;
    urban: number | null;
    rural: number | null;
    gap: number | null;
    estimate: boolean;
  }[];
}) {
  const id = useId();
  const w = 560;
  const rowH = 28;
  const pad = { l: 150, r: 20, t: 20 };
  const h = pad.t + rows.length * rowH + 30;
  const x = (v: number) => pad.l + ((w - pad.l - pad.r) * v) / 100;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="metric-svg">
      <title id={`${id}-t`}>Internet users, urban against rural, per region (%)</title>
      <desc id={`${id}-d`}>
        {rows
          .map((r) => `${r.name}: urban ${r.urban?.toFixed(1)} %, rural ${r.rural?.toFixed(1)} %`)
          .join('; ')}
      </desc>
      {[0, 25, 50, 75, 100].map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={pad.t - 6} y2={h - 24} stroke="#eee" />
          <text x={x(t)} y={h - 10} textAnchor="middle" fontSize="10">
            {t} %
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const cy = pad.t + i * rowH + rowH / 2;
        if (r.urban === null || r.rural === null) return null;
        return (
          <g
            key={r.code}
            tabIndex={0}
            aria-label={`${r.name}: urban ${r.urban.toFixed(1)} %, rural ${r.rural.toFixed(1)} %, gap ${r.gap?.toFixed(1)} points${r.estimate ? ' (estimate)' : ''}`}
          >
            <text x={pad.l - 8} y={cy + 4} textAnchor="end" fontSize="11">
              {r.name}
              {r.estimate ? ' *' : ''}
            </text>
            <line x1={x(r.rural)} x2={x(r.urban)} y1={cy} y2={cy} stroke="#999" strokeWidth="3" />
            <circle cx={x(r.rural)} cy={cy} r="6" fill="#c0702f" />
            <circle cx={x(r.urban)} cy={cy} r="6" fill="#3b6ea5" />
          </g>
        );
      })}
      <g transform={`translate(${pad.l}, 10)`} fontSize="10">
        <circle r="5" fill="#3b6ea5" cx="0" cy="-2" />
        <text x="8">urban</text>
        <circle r="5" fill="#c0702f" cx="60" cy="-2" />
        <text x="68">rural (* estimate)</text>
      </g>
    </svg>
  );
}
