// The signed-in home (issue 13): for the user's level, what needs attention now with links into
// each queue, trends against last month, the regions one level down; and two views of the regions,
// "two wings" (informatization against security), the digital gap (urban against rural), the region
// map (an equal-area tile grid) and the deadlines view (metrics/views.tsx).
import { useState } from 'react';
import {
  api,
  type SecurityFigures as Figures,
  type IndicatorValue,
  type DigitalGap as Gap,
  type MetricsOverview as Overview,
  type MetricsRegionOrganizations as RegionOrgs,
  type MetricsRegionPage as RegionPageData,
  type TwoWings as Wings,
} from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { useLoad } from '../hooks.ts';
import { Link, useLocation } from '../router.tsx';
import { Bubbles, ChartFrame, Dumbbells, StackedBars } from './metrics/charts.tsx';
import './metrics/metrics.css';
import { DeadlinesView, GapOverTime, TileMapView } from './metrics/views.tsx';

const fmt = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '—' : Number.isInteger(v) ? String(v) : v.toFixed(digits);
const cell = (f: Figures, k: keyof Figures) =>
  f.suppressed?.includes(k) ? '< 5' : fmt(f[k] as number | null);

function Trend({ now, before }: { now: number | null; before: number | null }) {
  if (now === null || before === null) return <span className="muted">—</span>;
  const d = now - before;
  return (
    <span className={d > 0 ? 'trend up' : d < 0 ? 'trend down' : 'trend'}>
      {d > 0 ? `▲ ${d}` : d < 0 ? `▼ ${-d}` : '='} vs last month
    </span>
  );
}

function Tabs({ view }: { view: string }) {
  const tabs = [
    ['/overview', 'Overview'],
    ['/overview/two-wings', 'Two wings'],
    ['/overview/digital-gap', 'Digital gap'],
    ['/overview/map', 'Region map'],
    ['/overview/deadlines', 'Deadlines'],
  ];
  return (
    <nav className="metric-tabs" aria-label="Views">
      {tabs.map(([to, label]) => (
        <Link
          key={to}
          to={to!}
          className={`button${view === to ? ' primary' : ''}`}
          aria-current={view === to ? 'page' : undefined}
        >
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function OverviewPage() {
  const { pathname } = useLocation();
  if (pathname.startsWith('/overview/regions/'))
    return (
      <Page
        title="Region"
        subtitle="A region's figures, by sector, its indicators with their source and licence."
        actions={<Tabs view="" />}
      >
        <RegionView code={decodeURIComponent(pathname.slice('/overview/regions/'.length))} />
      </Page>
    );
  const view =
    ['/overview/two-wings', '/overview/digital-gap', '/overview/map', '/overview/deadlines'].find((v) =>
      pathname.startsWith(v),
    ) ?? '/overview';
  return (
    <Page
      title="Overview"
      subtitle="Security beside informatization for your level: what needs attention, trends, regions."
      actions={<Tabs view={view} />}
    >
      {view === '/overview' && <Home />}
      {view === '/overview/two-wings' && <TwoWings />}
      {view === '/overview/digital-gap' && <DigitalGap />}
      {view === '/overview/map' && <TileMapView />}
      {view === '/overview/deadlines' && <DeadlinesView />}
    </Page>
  );
}

/** How the centre and operators keep up: time to triage, action rate, the ledger's health. */
function Operations({ ops }: { ops: Overview['operations'] }) {
  const t = ops.timeToTriage;
  const a = ops.operatorActions;
  const hours = (s: number) => (s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
  return (
    <section className="metric-cards" aria-label="Operations">
      <div className="metric-card" data-testid="time-to-triage">
        <span className="metric-card-count">{fmt(t.medianHours)} h</span>
        <span>
          Median time to triage a public report (p90 {fmt(t.p90Hours)} h, {t.triaged} triaged, 12 months)
        </span>
      </div>
      <div className="metric-card" data-testid="operator-actions">
        <span className="metric-card-count">{fmt(a.answeredPercent)} %</span>
        <span>
          Of {a.promoted} indicators promoted from public reports answered by operators (
          {a.blockedOrTakenDown} blocked or taken down)
        </span>
      </div>
      {ops.ledger && (
        <div className="metric-card" data-testid="ledger-health">
          <span className="metric-card-count">{hours(ops.ledger.checkpointAgeSeconds)}</span>
          <span>
            Since the ledger's last checkpoint ({ops.ledger.pending} entries waiting
            {ops.ledger.witnesses.map(
              (w) =>
                `; witness ${w.name}: ${w.lagEntries} entries behind${
                  w.lagSeconds === null ? ', never cosigned' : `, last cosigned ${hours(w.lagSeconds)} ago`
                }`,
            )}
            )
          </span>
        </div>
      )}
    </section>
  );
}

function Home() {
  const { data, error, loading } = useLoad(() => api.get<Overview>('/api/v1/metrics/overview'), []);
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  const t = data.totals;
  return (
    <>
      <p className="muted" data-testid="scope">
        {data.scope.name} ({data.scope.code}) · figures as of{' '}
        {data.generatedAt.slice(0, 16).replace('T', ' ')} UTC
      </p>
      <section className="metric-cards" aria-label="Needs attention now">
        {data.attention.map((a) => (
          <Link
            key={a.key}
            to={a.link}
            className={`metric-card${a.count > 0 ? ' alert' : ''}`}
            data-testid={`attention-${a.key}`}
          >
            <span className="metric-card-count">{a.count}</span>
            <span>{a.label}</span>
          </Link>
        ))}
      </section>
      <section className="metric-cards" aria-label="Key figures">
        <div className="metric-card">
          <span className="metric-card-count" data-testid="incidents-this-month">
            {fmt(t.incidentsThisMonth)}
          </span>
          <span>Incidents this month</span>
          <Trend now={t.incidentsThisMonth} before={t.incidentsLastMonth} />
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{fmt(t.openCriticalHighPer100CriticalAssets)}</span>
          <span>
            Open critical/high exposures per 100 critical assets ({t.openCriticalHigh} / {t.criticalAssets})
          </span>
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{fmt(t.reportsOnTimePercent)} %</span>
          <span>
            Of {fmt(t.reportsDue, 0)} statutory reports due, on time ({fmt(t.reportsOverdueNotFiled, 0)} past
            their deadline and not yet filed count as late; p90 lateness {fmt(t.p90LateHours, 0)} h)
          </span>
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{fmt(t.publicReportsPer100k, 2)}</span>
          <span>Public reports per 100,000 people (12 months)</span>
        </div>
      </section>
      <Operations ops={data.operations} />
      <ChartFrame
        title="Incidents by month and grade (drills apart)"
        table={
          <DataTable
            label="Incidents by month"
            rows={data.trends.incidentsByMonth}
            rowKey={(r) => r.month}
            columns={[
              { key: 'month', header: 'Month', value: (r) => r.month },
              ...['general', 'relatively-major', 'major', 'particularly-major'].map((g) => ({
                key: g,
                header: g,
                align: 'right' as const,
                value: (r: { byGrade: Record<string, number | null> }) => r.byGrade[g] ?? 0,
                render: (r: { byGrade: Record<string, number | null> }) =>
                  r.byGrade[g] === null ? '< 5' : (r.byGrade[g] ?? 0),
              })),
            ]}
          />
        }
      >
        <StackedBars months={data.trends.incidentsByMonth} />
      </ChartFrame>
      <Panel title="Regions">
        <DataTable
          label="Regions"
          rows={data.regions}
          rowKey={(r) => r.code}
          toolbar={
            <a className="button small" href="/api/v1/metrics/overview?format=csv" download>
              Download CSV
            </a>
          }
          emptyMessage="No regions below this level."
          columns={[
            {
              key: 'code',
              header: 'Region',
              value: (r) => r.code,
              nowrap: true,
              render: (r) => <Link to={`/overview/regions/${encodeURIComponent(r.code)}`}>{r.code}</Link>,
            },
            { key: 'name', header: 'Name', value: (r) => r.name },
            {
              key: 'och',
              header: 'Open crit/high per 100 critical assets',
              align: 'right',
              value: (r) => r.security.openCriticalHighPer100CriticalAssets,
              render: (r) => fmt(r.security.openCriticalHighPer100CriticalAssets),
            },
            { key: 'kev', header: 'KEV past due', align: 'right', value: (r) => r.security.kevPastDue },
            {
              key: 'inc',
              header: 'Incidents (12 mo)',
              align: 'right',
              value: (r) => r.security.incidents,
              render: (r) => cell(r.security, 'incidents'),
            },
            {
              key: 'ontime',
              header: 'Reports on time %',
              align: 'right',
              value: (r) => r.security.reportsOnTimePercent,
              render: (r) => cell(r.security, 'reportsOnTimePercent'),
            },
            {
              key: 'pub',
              header: 'Public reports per 100k',
              align: 'right',
              value: (r) => r.security.publicReportsPer100k,
              render: (r) => cell(r.security, 'publicReportsPer100k'),
            },
          ]}
        />
        <p className="muted">
          “&lt; 5”: a count under five is not shown where it could identify an organization or a reporter.
        </p>
      </Panel>
    </>
  );
}

function TwoWings() {
  const [weights, setWeights] = useState<Record<string, number>>({});
  const query = Object.entries(weights)
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
  const { data, error, loading } = useLoad(
    () => api.get<Wings>('/api/v1/metrics/two-wings', { weights: query }),
    [query],
  );
  if (error) return <ProblemBanner error={error} />;
  if (!data) return <p className="muted">{loading ? 'Loading…' : ''}</p>;
  const parts = [...data.definitions.informatization, ...data.definitions.security];
  return (
    <>
      <ChartFrame
        title="Two wings: informatization against security, per region (bubble: population)"
        csvHref={`/api/v1/metrics/two-wings?format=csv${query ? `&weights=${encodeURIComponent(query)}` : ''}`}
        table={
          <DataTable
            label="Two wings"
            rows={data.regions}
            rowKey={(r) => r.code}
            columns={[
              { key: 'code', header: 'Region', value: (r) => r.code },
              { key: 'name', header: 'Name', value: (r) => r.name },
              {
                key: 'info',
                header: 'Informatization index',
                align: 'right',
                value: (r) => r.informatizationIndex,
              },
              { key: 'sec', header: 'Security index', align: 'right', value: (r) => r.securityIndex },
              { key: 'pop', header: 'Population', align: 'right', value: (r) => r.population },
            ]}
          />
        }
      >
        <Bubbles rows={data.regions} />
      </ChartFrame>
      <Panel title="Index definitions and weights">
        <p className="muted">{data.definitions.method}</p>
        <div className="metric-weights">
          {parts.map((p) => (
            <label key={p.indicator}>
              {p.indicator}
              <input
                type="number"
                min={0}
                max={10}
                step={1}
                value={weights[p.indicator] ?? p.weight}
                onChange={(e) =>
                  setWeights({ ...weights, [p.indicator]: Math.max(0, Number(e.target.value) || 0) })
                }
              />
            </label>
          ))}
        </div>
      </Panel>
    </>
  );
}

function DigitalGap() {
  const { data, error, loading } = useLoad(() => api.get<Gap>('/api/v1/metrics/digital-gap'), []);
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  const sources = [...new Set(data.regions.map((r) => `${r.source} (${r.licence})`))].join('; ');
  return (
    <>
      <ChartFrame
        title={`Digital gap: urban against rural Internet use, ${data.period ?? 'no data'}`}
        csvHref="/api/v1/metrics/digital-gap?format=csv"
        table={
          <DataTable
            label="Digital gap"
            rows={data.regions}
            rowKey={(r) => r.code}
            columns={[
              { key: 'name', header: 'Region', value: (r) => r.name },
              {
                key: 'urban',
                header: 'Urban %',
                align: 'right',
                value: (r) => r.urban,
                render: (r) => fmt(r.urban),
              },
              {
                key: 'rural',
                header: 'Rural %',
                align: 'right',
                value: (r) => r.rural,
                render: (r) => fmt(r.rural),
              },
              {
                key: 'gap',
                header: 'Gap (points)',
                align: 'right',
                value: (r) => r.gap,
                render: (r) => fmt(r.gap),
              },
              { key: 'est', header: 'Estimate', value: (r) => (r.estimate ? 'yes' : '') },
            ]}
          />
        }
      >
        <Dumbbells rows={data.regions} />
        <p className="muted">Source: {sources || '—'}</p>
      </ChartFrame>
      <GapOverTime data={data} />
    </>
  );
}

const flagsOf = (v: IndicatorValue) =>
  [
    v.estimate && 'estimate',
    v.provisional && 'provisional',
    v.break && 'break in series',
    v.rolledUp && 'rolled up',
    v.demo && 'demo',
  ]
    .filter(Boolean)
    .join(', ');

/**
 * The drill-down's last step: the organizations of a region (and a sector) the user may see, with
 * their figures. Whole counts: the user may open these organizations' records anyway.
 */
function RegionOrganizations({ code, sectors }: { code: string; sectors: string[] }) {
  const [sector, setSector] = useState('');
  const query = `/api/v1/metrics/regions/${encodeURIComponent(code)}/organizations${
    sector ? `?sector=${encodeURIComponent(sector)}` : ''
  }`;
  const { data, error } = useLoad(() => api.get<RegionOrgs>(query), [query]);
  const csv = `${query}${sector ? '&' : '?'}format=csv`;
  return (
    <Panel title="Organizations">
      {error && <ProblemBanner error={error} />}
      <DataTable
        label="Organizations"
        rows={data?.organizations ?? []}
        rowKey={(r) => r.id}
        toolbar={
          <>
            <label>
              Sector{' '}
              <select value={sector} onChange={(e) => setSector(e.target.value)} data-testid="org-sector">
                <option value="">All sectors</option>
                {sectors.map((x) => (
                  <option key={x} value={x}>
                    {x}
                  </option>
                ))}
              </select>
            </label>
            <a className="button small" href={csv} download>
              Download CSV
            </a>
          </>
        }
        emptyMessage="No organizations you may see here."
        columns={[
          { key: 'name', header: 'Organization', value: (r) => r.name },
          { key: 'region', header: 'Region', value: (r) => r.region, nowrap: true },
          { key: 'sector', header: 'Sector', value: (r) => r.sector ?? '—' },
          { key: 'och', header: 'Open crit/high', align: 'right', value: (r) => r.openCriticalHigh },
          {
            key: 'critical',
            header: 'Critical assets',
            align: 'right',
            value: (r) => r.criticalAssets,
            render: (r) => (r.suppressed.includes('criticalAssets') ? '< 5' : fmt(r.criticalAssets)),
          },
          {
            key: 'ratio',
            header: 'Open crit/high per 100 critical assets',
            align: 'right',
            value: (r) => r.openCriticalHighPer100CriticalAssets,
            render: (r) =>
              r.suppressed.includes('openCriticalHighPer100CriticalAssets')
                ? '< 5'
                : fmt(r.openCriticalHighPer100CriticalAssets),
          },
          { key: 'kev', header: 'KEV past due', align: 'right', value: (r) => r.kevPastDue },
          { key: 'inc', header: 'Incidents (12 mo)', align: 'right', value: (r) => r.incidents },
          { key: 'overdue', header: 'Overdue', align: 'right', value: (r) => r.overdueIncidents },
          {
            key: 'ontime',
            header: 'Reports on time %',
            align: 'right',
            value: (r) => r.reportsOnTimePercent,
            render: (r) => fmt(r.reportsOnTimePercent),
          },
        ]}
      />
    </Panel>
  );
}

/** Drill-down: one region's figures, by sector, its indicators with source, licence and flags. */
function RegionView({ code }: { code: string }) {
  const { data, error, loading } = useLoad(
    () => api.get<RegionPageData>(`/api/v1/metrics/regions/${encodeURIComponent(code)}`),
    [code],
  );
  if (error) return <ProblemBanner error={error} />;
  if (loading || !data) return <p className="muted">Loading…</p>;
  const s = data.security;
  const regionLink = (c: string, label: string) => (
    <Link to={`/overview/regions/${encodeURIComponent(c)}`}>{label}</Link>
  );
  return (
    <>
      <p className="muted" data-testid="region-name">
        {data.region.name} ({data.region.code})
        {data.region.parent && <> · in {regionLink(data.region.parent, data.region.parent)}</>}
        {data.region.population !== null && ` · population ${data.region.population.toLocaleString('en-US')}`}
      </p>
      <section className="metric-cards" aria-label="Key figures">
        <div className="metric-card">
          <span className="metric-card-count">{fmt(s.openCriticalHighPer100CriticalAssets)}</span>
          <span>Open critical/high exposures per 100 critical assets</span>
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{s.kevPastDue}</span>
          <span>KEV past due (oldest {fmt(s.kevPastDueMaxDays)} days)</span>
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{fmt(s.incidents)}</span>
          <span>Incidents, 12 months (drills apart)</span>
        </div>
        <div className="metric-card">
          <span className="metric-card-count">{fmt(s.reportsOnTimePercent)} %</span>
          <span>
            Statutory reports on time (unfiled past their deadline count as late; p90 lateness{' '}
            {fmt(s.p90LateHours, 0)} h)
          </span>
        </div>
      </section>
      <Panel title="By sector">
        <DataTable
          label="By sector"
          rows={data.bySector}
          rowKey={(r) => r.sector ?? '-'}
          columns={[
            { key: 'sector', header: 'Sector', value: (r) => r.sector ?? '(none)' },
            { key: 'assets', header: 'Critical assets', align: 'right', value: (r) => r.criticalAssets },
            { key: 'och', header: 'Open crit/high', align: 'right', value: (r) => r.openCriticalHigh },
            { key: 'kev', header: 'KEV past due', align: 'right', value: (r) => r.kevPastDue },
            {
              key: 'inc',
              header: 'Incidents',
              align: 'right',
              value: (r) => r.incidents,
              render: (r) => cell(r, 'incidents'),
            },
          ]}
        />
      </Panel>
      <Panel title="Indicators">
        <DataTable
          label="Indicators"
          rows={data.indicators}
          rowKey={(r) => r.indicator}
          toolbar={
            <a
              className="button small"
              href={`/api/v1/metrics/regions/${encodeURIComponent(code)}?format=csv`}
              download
            >
              Download CSV
            </a>
          }
          emptyMessage="No indicators for this region."
          columns={[
            { key: 'indicator', header: 'Indicator', value: (r) => r.indicator },
            { key: 'period', header: 'Period', value: (r) => r.period },
            {
              key: 'value',
              header: 'Value',
              align: 'right',
              value: (r) => r.value,
              render: (r) => fmt(r.value),
            },
            { key: 'flags', header: 'Flags', value: flagsOf },
            { key: 'source', header: 'Source', value: (r) => r.source },
            { key: 'licence', header: 'Licence', value: (r) => r.licence },
            { key: 'vintage', header: 'Vintage', value: (r) => r.vintage },
          ]}
        />
      </Panel>
      <RegionOrganizations
        code={code}
        sectors={data.bySector.map((b) => b.sector).filter((x): x is string => x !== null)}
      />
      {data.children.length > 0 && (
        <Panel title="Regions below">
          <ul>
            {data.children.map((c) => (
              <li key={c.code}>
                {regionLink(c.code, c.name)} ({c.code})
              </li>
            ))}
          </ul>
        </Panel>
      )}
    </>
  );
}
