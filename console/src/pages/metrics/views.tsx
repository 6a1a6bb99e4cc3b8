// Two analytical views of the overview (issue 13), drawn with Observable Plot: the region map as an
// equal-area tile grid (small multiples, one per indicator, quantile classes with a class-histogram
// legend) and the deadlines view (time to report per stage with the legal limit, incidents by
// month and grade, KEV past due by age). Each chart has a table view and a CSV download.
import { useCallback, useMemo } from 'react';
import { api, type MetricsDeadlines as DeadlinesData, type TileMap as MapData } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { useLoad } from '../../hooks.ts';
import { ChartFrame } from './charts.tsx';
import {
  csvHref,
  incidentsByGradeChart,
  kevAgeingChart,
  PlotChart,
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

function IndicatorTiles({ data, indicator }: { data: MapData; indicator: MapData['indicators'][number] }) {
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
  const render = useCallback(
    () =>
      tileGrid(tiles, {
        title: indicator.name,
        unit: indicator.unit,
        lowerIsBetter: indicator.direction === 'lower-is-better',
      }).element,
    [tiles, indicator],
  );
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
      <PlotChart render={render} label={`${indicator.name} by region, tile grid`} />
    </div>
  );
}

export function TileMapView() {
  const { data, error, loading } = useLoad(() => api.get<MapData>('/api/v1/metrics/map'), []);
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  return (
    <ChartFrame
      title="Region map: one equal tile per region, quantile classes"
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
      <p className="muted">
        {data.layout}. No boundaries are drawn: every region has the same area, whatever its size. Classes are
        quintiles of the regions shown; the bars under each map count the regions in each class. Grey: no data
        or fewer than 5 (suppressed).
      </p>
      <div className="metric-multiples">
        {data.indicators.map((i) => (
          <IndicatorTiles key={i.code} data={data} indicator={i} />
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
