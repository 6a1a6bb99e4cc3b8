// Advisories: the OSV advisories Bulwark knows (searchable by id, alias, summary or package,
// filtered by ecosystem and KEV), and for each its detail — severity, KEV due date, affected
// packages and ranges, references — with the exposures of the assets the caller can see.
import { useMemo, useState } from 'react';
import { api } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import {
  type AdvisoryDetail,
  type AdvisorySummary,
  type Exposure,
  type ListOf,
  SeverityBadge,
  StatusBadge,
} from './assets/shared.tsx';

export function AdvisoriesPage() {
  const { pathname } = useLocation();
  const id = pathname.split('/')[2];
  return id ? <Advisory id={decodeURIComponent(id)} /> : <AdvisoryList />;
}

function AdvisoryList() {
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const ecosystem = search.get('ecosystem') ?? '';
  const kev = search.get('kev') ?? '';
  const [text, setText] = useState(q);
  const data = useLoad(
    () => api.get<ListOf<AdvisorySummary>>('/api/v1/advisories', { q, ecosystem, kev, limit: '500' }),
    [q, ecosystem, kev],
  );
  const go = (next: Record<string, string>) => {
    const p = new URLSearchParams({ q, ecosystem, kev, ...next });
    for (const [k, v] of [...p.entries()]) if (!v) p.delete(k);
    navigate(`/advisories${p.toString() ? `?${p.toString()}` : ''}`, { replace: true });
  };
  const columns = useMemo<Column<AdvisorySummary>[]>(
    () => [
      {
        key: 'id',
        header: 'Advisory',
        value: (a) => a.id,
        render: (a) => <Link to={`/advisories/${encodeURIComponent(a.id)}`}>{a.id}</Link>,
        nowrap: true,
      },
      { key: 'aliases', header: 'Aliases', value: (a) => a.aliases.join(', ') },
      { key: 'summary', header: 'Summary', value: (a) => a.summary ?? '' },
      { key: 'packages', header: 'Packages', value: (a) => a.packages.join(', ') },
      {
        key: 'severity',
        header: 'Severity',
        value: (a) => (a.kev ? 100 : 0) + (a.severity.score ?? 0),
        render: (a) => (
          <>
            {a.kev && <Badge tone="bad">KEV</Badge>}{' '}
            <SeverityBadge rating={a.severity.rating} score={a.severity.score} />
            {a.withdrawn && <Badge tone="muted">withdrawn</Badge>}
          </>
        ),
      },
      {
        key: 'modified',
        header: 'Modified',
        value: (a) => a.modified,
        nowrap: true,
        render: (a) => formatDateTime(a.modified),
      },
    ],
    [],
  );
  return (
    <Page title="Advisories" subtitle={`${data.data?.total ?? 0} advisories match.`}>
      <ProblemBanner error={data.error} />
      <form
        className="toolbar"
        aria-label="Advisory search"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: text.trim() });
        }}
      >
        <input
          aria-label="Search advisories"
          placeholder="GO-2024-…, CVE-…, GHSA-…, package"
          value={text}
          onChange={(e) => setText(e.target.value)}
          size={36}
        />{' '}
        <button type="submit" className="button small">
          Search
        </button>{' '}
        <label className="filter">
          Ecosystem{' '}
          <select
            aria-label="Ecosystem"
            value={ecosystem}
            onChange={(e) => go({ ecosystem: e.target.value })}
          >
            {['', 'Go', 'npm', 'PyPI', 'Maven', 'crates.io', 'RubyGems', 'NuGet', 'Debian'].map((x) => (
              <option key={x} value={x}>
                {x || 'Any'}
              </option>
            ))}
          </select>
        </label>{' '}
        <label className="filter">
          Known exploited{' '}
          <select aria-label="Known exploited" value={kev} onChange={(e) => go({ kev: e.target.value })}>
            <option value="">Any</option>
            <option value="true">KEV only</option>
          </select>
        </label>
      </form>
      <DataTable
        label="Advisories"
        rows={data.data?.items ?? []}
        columns={columns}
        rowKey={(a) => a.id}
        loading={data.loading}
        emptyMessage="No advisories match. The centre imports them with `bulwark import osv`."
        onRowClick={(a) => navigate(`/advisories/${encodeURIComponent(a.id)}`)}
      />
    </Page>
  );
}

type Affected = {
  package?: { ecosystem: string; name: string };
  ranges: { type: string; events: { kind: string; version: string }[] }[];
  versions: string[];
};

function Advisory({ id }: { id: string }) {
  const data = useLoad(() => api.get<AdvisoryDetail>(`/api/v1/advisories/${encodeURIComponent(id)}`), [id]);
  const a = data.data;
  const columns = useMemo<Column<Exposure>[]>(
    () => [
      {
        key: 'asset',
        header: 'Asset',
        value: (e) => e.assetName,
        render: (e) => <Link to={`/assets/${e.asset}`}>{e.assetName || e.asset}</Link>,
      },
      { key: 'package', header: 'Package', value: (e) => `${e.package}@${e.version}` },
      { key: 'where', header: 'Sector / region', value: (e) => `${e.sector ?? '—'} ${e.region}` },
      { key: 'due', header: 'Due', value: (e) => e.due, nowrap: true },
      {
        key: 'status',
        header: 'Status',
        value: (e) => e.status,
        render: (e) => <StatusBadge status={e.status} />,
      },
    ],
    [],
  );
  if (data.error)
    return (
      <Page title={id}>
        <ProblemBanner error={data.error} />
        <p>
          <Link to="/advisories">Back to the advisories</Link>
        </p>
      </Page>
    );
  if (!a) return <Page title={id}>{<p className="muted">Loading…</p>}</Page>;
  return (
    <Page
      title={a.id}
      subtitle={
        <>
          <Link to="/advisories">Advisories</Link> · {a.summary ?? 'no summary'}
        </>
      }
    >
      <div className="split">
        <div>
          <Panel title={`Affected assets you can see (${a.exposureCount})`}>
            <DataTable
              label="Affected assets"
              rows={a.exposures}
              columns={columns}
              rowKey={(e) => e.id}
              emptyMessage="None of the assets you can see runs an affected version."
            />
          </Panel>
          <Panel title="Affected packages">
            {(a.affected as Affected[]).map((x) => (
              <div key={`${x.package?.ecosystem}/${x.package?.name}/${JSON.stringify(x.ranges)}`}>
                <h4>
                  {x.package?.ecosystem} <code>{x.package?.name}</code>
                </h4>
                <ul className="plain-list">
                  {x.ranges.map((r) => (
                    <li key={`${r.type}:${r.events.map((e) => `${e.kind}=${e.version}`).join(',')}`}>
                      {r.type}: {r.events.map((e) => `${e.kind} ${e.version}`).join(', ')}
                    </li>
                  ))}
                  {x.versions.length > 0 && <li>versions: {x.versions.slice(0, 50).join(', ')}</li>}
                </ul>
              </div>
            ))}
          </Panel>
          {a.details && (
            <Panel title="Details">
              <p style={{ whiteSpace: 'pre-wrap' }}>{a.details}</p>
            </Panel>
          )}
        </div>
        <div className="detail-panel">
          <Panel title="Properties">
            <dl className="props">
              <dt>Severity</dt>
              <dd>
                <SeverityBadge rating={a.severity.rating} score={a.severity.score} />
                {a.severity.vector && <div className="muted">{a.severity.vector}</div>}
              </dd>
              <dt>Known exploited</dt>
              <dd>{a.kev ? <Badge tone="bad">KEV, due {a.kev.due}</Badge> : 'no'}</dd>
              <dt>Aliases</dt>
              <dd>{a.aliases.join(', ') || '—'}</dd>
              <dt>Published</dt>
              <dd>{formatDateTime(a.published)}</dd>
              <dt>Modified</dt>
              <dd>{formatDateTime(a.modified)}</dd>
              {a.withdrawn && (
                <>
                  <dt>Withdrawn</dt>
                  <dd>{formatDateTime(a.withdrawn)}</dd>
                </>
              )}
            </dl>
          </Panel>
          <Panel title="References">
            <ul className="plain-list">
              {a.references.map((r) => (
                <li key={r.url}>
                  {r.type}:{' '}
                  <a href={r.url} rel="noreferrer noopener" target="_blank">
                    {r.url}
                  </a>
                </li>
              ))}
            </ul>
          </Panel>
        </div>
      </div>
    </Page>
  );
}
