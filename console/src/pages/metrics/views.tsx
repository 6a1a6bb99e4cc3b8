// Analytical views of the overview (issue 13), drawn with Observable Plot: the region map as an
// equal-area tile grid, or on the operator's own boundaries when it supplied a file (small
// multiples, one per indicator, quantile classes with a class-histogram legend); the deadlines
// view (time to report per stage with the legal limit, incidents by month and grade, KEV past due
// by age); the digital gap over time. Each chart has a table view and a CSV download.
import { useCallback, useMemo, useState } from 'react';
import {
  api,
  type DigitalGap as GapData,
  type MetricsDeadlines as DeadlinesData,
  type TileMap as MapData,
} from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { useLoad } from '../../hooks.ts';
import { ChartFrame } from './charts.tsx';
import {
  csvHref,
  gapOverTimeChart,
  geoMap,
  incidentsByGradeChart,
  kevAgeingChart,
  PlotChart,
  type RegionFeatures,
  type Tile,
  tileGrid,
  timeToReportChart,
} from './plot.tsx';

/** The figures' keys that suppressSmall names, by indicator code. */
const SUPPRESSED_AS: Record<string, string> = {
  incidents: 'incidents',
  'public-reports-per-100k': 'publicReports',
  'reports-on-time': 'reportsDue',
};

const fmt = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(1);

type Layout = 'tiles' | 'geometry';

function IndicatorTiles({
  data,
  indicator,
  layout,
}: {
  data: MapData;
  indicator: MapData['indicators'][number];
  layout: Layout;
}) {
  const tiles: Tile[] = useMemo(
    () =>
      data.tiles.map((t) => ({
        code: t.code,
        name: t.name,
        col: t.col,
        row: t.row,
        value: t.values[indicator.code] ?? null,
        suppressed: t.suppressed.includes(SUPPRESSED_AS[indicator.code] ?? ''),
      })),
    [data, indicator],
  );
  const render = useCallback(() => {
    const opts = {
      title: indicator.name,
      unit: indicator.unit,
      lowerIsBetter: indicator.direction === 'lower-is-better',
    };
    return layout === 'geometry' && data.geometry
      ? geoMap(tiles, data.geometry.featureCollection as RegionFeatures, opts).element
      : tileGrid(tiles, opts).element;
  }, [tiles, indicator, layout, data.geometry]);
  const periods = [
    ...new Set(data.tiles.map((t) => t.provenance[indicator.code]?.period).filter(Boolean)),
  ].join(', ');
  return (
    <div className="metric-multiple">
      <h3>{indicator.name}</h3>
      <p className="muted">
        {indicator.unit}
        {periods ? ` · ${periods}` : ''} · {indicator.source} ({indicator.licence})
      </p>
      <PlotChart
        render={render}
        label={`${indicator.name} by region, ${layout === 'geometry' ? 'operator-supplied boundaries' : 'tile grid'}`}
      />
    </div>
  );
}

export function TileMapView() {
  const { data, error, loading } = useLoad(() => api.get<MapData>('/api/v1/metrics/map'), []);
  const [layout, setLayout] = useState<Layout>('tiles');
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  return (
    <ChartFrame
      title={
        layout === 'geometry' && data.geometry
          ? 'Region map: operator-supplied boundaries, quantile classes'
          : 'Region map: one equal tile per region, quantile classes'
      }
      csvHref="/api/v1/metrics/map?format=csv"
      table={
        <DataTable
          label="Region map figures"
          rows={data.tiles}
          rowKey={(t) => t.code}
          columns={[
            { key: 'code', header: 'Region', value: (t) => t.code },
            { key: 'name', header: 'Name', value: (t) => t.name },
            ...data.indicators.map((i) => ({
              key: i.code,
              header: i.name,
              align: 'right' as const,
              value: (t: MapData['tiles'][number]) => t.values[i.code] ?? null,
              render: (t: MapData['tiles'][number]) =>
                t.suppressed.includes(SUPPRESSED_AS[i.code] ?? '') ? '< 5' : fmt(t.values[i.code]),
            })),
          ]}
        />
      }
    >
      {data.geometry && (
        <fieldset className="metric-layout">
          <legend>Layout</legend>
          <label>
            <input
              type="radio"
              name="metric-map-layout"
              checked={layout === 'tiles'}
              onChange={() => setLayout('tiles')}
            />{' '}
            Tile grid
          </label>{' '}
          <label>
            <input
              type="radio"
              name="metric-map-layout"
              checked={layout === 'geometry'}
              onChange={() => setLayout('geometry')}
            />{' '}
            Boundaries (operator-supplied)
          </label>
        </fieldset>
      )}
      {layout === 'geometry' && data.geometry ? (
        <p className="muted" data-testid="geometry-provenance">
          Boundaries from {data.geometry.file} ({data.geometry.regions} regions): {data.geometry.source},{' '}
          {data.geometry.licence}, imported {data.geometry.importedAt.slice(0, 10)}. Larger regions look more
          important on a map of boundaries; the tile grid gives every region the same area. Classes are
          quintiles of the regions shown. Grey: no data or fewer than 5 (suppressed).
        </p>
      ) : (
        <p className="muted">
          {data.layout}. No boundaries are drawn: every region has the same area, whatever its size. Classes
          are quintiles of the regions shown; the bars under each map count the regions in each class. Grey:
          no data or fewer than 5 (suppressed).
        </p>
      )}
      <div className="metric-multiples">
        {data.indicators.map((i) => (
          <IndicatorTiles key={i.code} data={data} indicator={i} layout={layout} />
        ))}
      </div>
    </ChartFrame>
  );
}

const shown = (v: number | null) => (v === null ? '< 5' : String(v));

function StageChart({ s }: { s: DeadlinesData['timeToReport'][number] }) {
  const render = useCallback(() => timeToReportChart(s.bins, s.limitHours, s.stage), [s]);
  return (
    <ChartFrame
      title={`Time to report: ${s.stage} (${s.onTime} of ${s.reports} in time, limit ${s.limitHours ?? '—'} h)`}
      csvHref={csvHref(
        s.bins.map((b) => ({
          stage: s.stage,
          limitHours: s.limitHours,
          fromHours: b.fromHours,
          toHours: b.toHours,
          reports: b.reports,
        })),
      )}
      table={
        <DataTable
          label={`Time to report, ${s.stage}`}
          rows={s.bins}
          rowKey={(b) => String(b.fromHours)}
          columns={[
            { key: 'from', header: 'From (h)', align: 'right', value: (b) => b.fromHours },
            { key: 'to', header: 'To (h)', align: 'right', value: (b) => b.toHours },
            {
              key: 'n',
              header: 'Reports',
              align: 'right',
              value: (b) => b.reports,
              render: (b) => shown(b.reports),
            },
          ]}
        />
      }
    >
      <PlotChart
        render={render}
        label={`Time to report, stage ${s.stage}, legal limit ${s.limitHours ?? 'none'} hours`}
      />
    </ChartFrame>
  );
}

export function DeadlinesView() {
  const { data, error, loading } = useLoad(() => api.get<DeadlinesData>('/api/v1/metrics/deadlines'), []);
  const incidents = useCallback(() => incidentsByGradeChart(data?.incidentsByMonth ?? []), [data]);
  const ageing = useCallback(() => kevAgeingChart(data?.kevAgeing ?? []), [data]);
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  const grades = ['general', 'relatively-major', 'major', 'particularly-major'];
  return (
    <>
      <p className="muted">
        Statutory reports filed since {data.since} (drills apart). {data.suppression}
      </p>
      <p data-testid="lateness">
        Late: {data.lateness.filedLate} filed after their deadline and {data.lateness.overdueNotFiled} past
        their deadline and not yet filed (one per incident); p90 lateness{' '}
        {data.lateness.p90LateHours === null ? '—' : `${data.lateness.p90LateHours} h`}.
      </p>
      {data.timeToReport.length === 0 && <p className="muted">No statutory report with a deadline yet.</p>}
      {data.timeToReport.map((s) => (
        <StageChart key={s.stage} s={s} />
      ))}
      <ChartFrame
        title="Incidents by month and grade (drills apart)"
        csvHref={csvHref(data.incidentsByMonth.map((m) => ({ month: m.month, ...m.byGrade })))}
        table={
          <DataTable
            label="Incidents by month and grade"
            rows={data.incidentsByMonth}
            rowKey={(m) => m.month}
            columns={[
              { key: 'month', header: 'Month', value: (m) => m.month },
              ...grades.map((g) => ({
                key: g,
                header: g,
                align: 'right' as const,
                value: (m: DeadlinesData['incidentsByMonth'][number]) => m.byGrade[g] ?? 0,
                render: (m: DeadlinesData['incidentsByMonth'][number]) =>
                  g in m.byGrade ? shown(m.byGrade[g]!) : '0',
              })),
            ]}
          />
        }
      >
        <PlotChart render={incidents} label="Incidents by month and grade" />
      </ChartFrame>
      <ChartFrame
        title="Known-exploited exposures past due, by age"
        csvHref={csvHref(
          data.kevAgeing.map((b) => ({
            band: b.band,
            fromDays: b.fromDays,
            toDays: b.toDays,
            exposures: b.exposures,
          })),
        )}
        table={
          <DataTable
            label="KEV past due by age"
            rows={data.kevAgeing}
            rowKey={(b) => b.band}
            columns={[
              { key: 'band', header: 'Days past due', value: (b) => b.band },
              {
                key: 'n',
                header: 'Exposures',
                align: 'right',
                value: (b) => b.exposures,
                render: (b) => shown(b.exposures),
              },
            ]}
          />
        }
      >
        <PlotChart render={ageing} label="KEV exposures past due by age band" />
      </ChartFrame>
    </>
  );
}

/**
 * The digital gap over time (the API's `overTime`): per region below, urban minus rural Internet
 * use in points for every period with both values; a table view (a row per region, a column per
 * period) and the same rows as CSV.
 */
export function GapOverTime({ data }: { data: GapData }) {
  const names = useMemo(() => new Map(data.regions.map((r) => [r.code, r.name])), [data]);
  const periods = useMemo(
    () => [...new Set(data.overTime.flatMap((s) => s.series.map((p) => p.period)))].sort(),
    [data],
  );
  const series = useMemo(
    () =>
      data.overTime
        .filter((s) => s.series.some((p) => p.gap !== null))
        .map((s) => ({ code: s.code, name: names.get(s.code) ?? s.code, points: s.series })),
    [data, names],
  );
  const render = useCallback(() => gapOverTimeChart(series, periods), [series, periods]);
  const gapAt = (s: (typeof series)[number], p: string) => s.points.find((x) => x.period === p)?.gap ?? null;
  return (
    <ChartFrame
      title={`Digital gap over time, ${periods[0] ?? '—'}–${periods.at(-1) ?? '—'}`}
      csvHref={csvHref(
        series.flatMap((s) =>
          s.points.map((p) => ({ region: s.code, name: s.name, period: p.period, gap: p.gap })),
        ),
      )}
      table={
        <DataTable
          label="Digital gap over time"
          rows={series}
          rowKey={(s) => s.code}
          columns={[
            { key: 'region', header: 'Region', value: (s) => s.name },
            ...periods.map((p) => ({
              key: p,
              header: p,
              align: 'right' as const,
              value: (s: (typeof series)[number]) => gapAt(s, p),
              render: (s: (typeof series)[number]) => fmt(gapAt(s, p)),
            })),
          ]}
        />
      }
    >
      {series.length === 0 ? (
        <p className="muted">No region has both urban and rural values.</p>
      ) : (
        <PlotChart render={render} label="Digital gap over time by region" />
      )}
      <p className="muted">Urban minus rural Internet use, in percentage points; a line per region.</p>
    </ChartFrame>
  );
}
