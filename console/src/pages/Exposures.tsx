// The exposure queue: every exposure the caller can see, most urgent first (exploited: KEV or
// threat intelligence, then EPSS, CVSS, asset criticality, internet-facing), filtered by severity,
// KEV, sector, region, status and asset; rows can be selected for a bulk status change (all or
// nothing, with a note).
import { useCallback, useMemo, useState } from 'react';
import { api, asApiError } from '../api.ts';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Page } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { IntelBadge } from './exposures/exploitation.tsx';
import { CountsBar, GroupedExposures, RemediationView } from './exposures/views.tsx';
import {
  type Exposure,
  type ExposureStatus,
  KevBadge,
  type ListOf,
  MANUAL_STATUSES,
  SEVERITIES,
  STATUS_LABELS,
  SeverityBadge,
  StatusBadge,
} from './assets/shared.tsx';

const FILTERS = ['status', 'severity', 'kev', 'sector', 'region', 'asset'] as const;
type Filter = (typeof FILTERS)[number];
const PAGE = 500;

export function ExposuresPage() {
  const { session } = useSession();
  const { search } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((f) => [f, search.get(f) ?? ''])) as Record<Filter, string>;
  if (!search.has('status')) filters.status = 'open,acknowledged,mitigated';
  const view = (['groups', 'list', 'remediation'] as const).find((v) => v === search.get('view')) ?? 'groups';
  const key = FILTERS.map((f) => filters[f]).join('|');
  const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
  const data = useLoad(
    () =>
      Promise.all([
        view === 'list'
          ? api.get<ListOf<Exposure>>('/api/v1/exposures', { ...filters, limit: String(PAGE) })
          : Promise.resolve({ items: [], total: 0 }),
        api.get<Record<string, number>>('/api/v1/exposures/summary'),
      ]),
    [key, view],
  );
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkStatus, setBulkStatus] = useState<ExposureStatus>('acknowledged');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const rows = data.data?.[0].items ?? [];
  const total = data.data?.[0].total ?? 0;
  const summary = data.data?.[1] ?? {};
  const canWrite = session.user.roles.some((r) => r !== 'viewer' && r !== 'auditor');

  const setFilter = (f: Filter, value: string) => {
    const q = new URLSearchParams(search);
    if (value) q.set(f, value);
    else if (f === 'status') q.set(f, '');
    else q.delete(f);
    setSelected(new Set());
    navigate(`/exposures${q.toString() ? `?${q.toString()}` : ''}`, { replace: true });
  };

  const toggle = useCallback(
    (id: string) =>
      setSelected((s) => {
        const next = new Set(s);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  const applyBulk = async () => {
    setActionError(null);
    setDone(null);
    setBusy(true);
    try {
      const r = await api.post<{ items: Exposure[] }>('/api/v1/exposures/status', {
        ids: [...selected],
        status: bulkStatus,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setDone(
        `${r.items.length} exposure${r.items.length === 1 ? '' : 's'} set to ${STATUS_LABELS[bulkStatus]}.`,
      );
      setSelected(new Set());
      setNote('');
      data.reload();
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const columns = useMemo<Column<Exposure>[]>(
    () => [
      ...(canWrite
        ? [
            {
              key: 'select',
              header: '',
              value: () => '',
              render: (e: Exposure) =>
                e.status === 'resolved' ? null : (
                  <input
                    type="checkbox"
                    aria-label={`Select ${e.advisory} on ${e.assetName}`}
                    checked={selected.has(e.id)}
                    onChange={() => toggle(e.id)}
                    onClick={(ev) => ev.stopPropagation()}
                  />
                ),
            } satisfies Column<Exposure>,
          ]
        : []),
      {
        key: 'priority',
        header: 'Priority',
        value: (e) => e.priority,
        render: (e) => (
          <>
            <KevBadge kev={e.kev} /> <IntelBadge exploitation={e.exploitation} />{' '}
            <SeverityBadge rating={e.severity.rating} score={e.severity.score} />
            {e.severitySource?.via === 'alias' && (
              <div className="muted">CVSS of alias {e.severitySource.advisory}</div>
            )}
          </>
        ),
      },
      {
        key: 'epss',
        header: 'EPSS',
        value: (e) => e.epss?.score ?? -1,
        nowrap: true,
        render: (e) =>
          e.epss ? (
            <span title={`FIRST EPSS of ${e.epss.cve}${e.epss.date ? `, ${e.epss.date}` : ''}`}>
              {(e.epss.score * 100).toFixed(1)}%{' '}
              <span className="muted">p{Math.round(e.epss.percentile * 100)}</span>
            </span>
          ) : (
            <span className="muted">—</span>
          ),
      },
      {
        key: 'asset',
        header: 'Asset',
        value: (e) => e.assetName,
        render: (e) => <Link to={`/assets/${e.asset}`}>{e.assetName || e.asset}</Link>,
      },
      {
        key: 'package',
        header: 'Package',
        value: (e) => `${e.package}@${e.version}`,
        render: (e) => (
          <span title={e.purl ?? undefined}>
            {e.package}@<strong>{e.version}</strong>
          </span>
        ),
      },
      {
        key: 'advisory',
        header: 'Advisory',
        value: (e) => `${e.advisory} ${e.aliases.join(' ')}`,
        render: (e) => (
          <>
            <Link to={`/advisories/${encodeURIComponent(e.advisory)}`}>{e.advisory}</Link>
            {e.aliases.length > 0 && <div className="muted">{e.aliases.join(', ')}</div>}
          </>
        ),
      },
      {
        key: 'due',
        header: 'Due',
        value: (e) => e.due,
        render: (e) => (
          <span title={`Due-date rule: ${e.dueRule}`} style={{ display: 'block', minWidth: '13em' }}>
            <span className="nowrap">{e.due}</span>
            <div className="muted" style={{ fontSize: '0.85em' }}>
              {e.dueRule}
            </div>
          </span>
        ),
      },
      {
        key: 'status',
        header: 'Status',
        value: (e) => e.status,
        render: (e) => <StatusBadge status={e.status} />,
      },
      { key: 'where', header: 'Sector / region', value: (e) => `${e.sector ?? '—'} ${e.region}` },
      {
        key: 'seen',
        header: 'First seen',
        value: (e) => e.firstSeen,
        nowrap: true,
        render: (e) => formatDateTime(e.firstSeen),
      },
    ],
    [canWrite, selected, toggle],
  );

  const select = (label: string, f: Filter, options: { value: string; label: string }[]) => (
    <label className="filter">
      {label}{' '}
      <select aria-label={label} value={filters[f]} onChange={(e) => setFilter(f, e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Page
      title="Exposures"
      subtitle={
        Object.entries(summary)
          .map(([s, n]) => `${n} ${STATUS_LABELS[s as ExposureStatus]?.toLowerCase() ?? s}`)
          .join(' · ') || 'No exposures.'
      }
    >
      <ProblemBanner error={data.error} />
      <nav className="view-switch" aria-label="Exposure views">
        {(
          [
            ['groups', 'By asset and component'],
            ['list', 'All exposures'],
            ['remediation', 'Remediation'],
          ] as const
        ).map(([v, label]) => {
          const q = new URLSearchParams(search);
          q.set('view', v);
          return (
            <Link
              key={v}
              to={`/exposures?${q.toString()}`}
              className={`button small${view === v ? ' primary' : ''}`}
              aria-current={view === v ? 'page' : undefined}
            >
              {label}
            </Link>
          );
        })}
      </nav>
      {view !== 'remediation' && <CountsBar filters={given} />}
      {actionError ? <ProblemBanner error={asApiError(actionError)} /> : null}
      {done && (
        <p className="notice success" role="status">
          {done}
        </p>
      )}
      {view !== 'remediation' && (
        <section className="toolbar" aria-label="Filters">
          {select('Status', 'status', [
            { value: 'open,acknowledged,mitigated', label: 'Needs work' },
            { value: '', label: 'Any' },
            ...(
              [
                'open',
                'acknowledged',
                'mitigated',
                'accepted_risk',
                'false_positive',
                'not_affected',
                'resolved',
              ] as const
            ).map((s) => ({
              value: s,
              label: STATUS_LABELS[s],
            })),
          ])}{' '}
          {select('Severity', 'severity', [
            { value: '', label: 'Any' },
            { value: 'Critical,High', label: 'Critical and high' },
            ...SEVERITIES.map((s) => ({ value: s, label: s === 'unknown' ? 'No CVSS' : s })),
          ])}{' '}
          {select('Known exploited', 'kev', [
            { value: '', label: 'Any' },
            { value: 'true', label: 'KEV only' },
            { value: 'false', label: 'Not in KEV' },
          ])}{' '}
          <label className="filter">
            Sector{' '}
            <input
              aria-label="Sector"
              defaultValue={filters.sector}
              placeholder="energy"
              size={10}
              onBlur={(e) => setFilter('sector', e.target.value.trim())}
              onKeyDown={(e) => e.key === 'Enter' && setFilter('sector', e.currentTarget.value.trim())}
            />
          </label>{' '}
          <label className="filter">
            Region{' '}
            <input
              aria-label="Region"
              defaultValue={filters.region}
              placeholder="BW-N"
              size={8}
              onBlur={(e) => setFilter('region', e.target.value.trim())}
              onKeyDown={(e) => e.key === 'Enter' && setFilter('region', e.currentTarget.value.trim())}
            />
          </label>
          {filters.asset && (
            <>
              {' '}
              <button type="button" className="button small" onClick={() => setFilter('asset', '')}>
                All assets
              </button>
            </>
          )}
        </section>
      )}
      {view === 'remediation' && <RemediationView asset={filters.asset || undefined} />}
      {view === 'groups' && <GroupedExposures filters={given} />}
      {view === 'list' && canWrite && selected.size > 0 && (
        <section className="toolbar" aria-label="Bulk status change">
          <strong>{selected.size} selected</strong>{' '}
          <label className="filter">
            Set status{' '}
            <select
              aria-label="New status"
              value={bulkStatus}
              onChange={(e) => setBulkStatus(e.target.value as ExposureStatus)}
            >
              {MANUAL_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </label>{' '}
          <input
            aria-label="Note"
            placeholder="Note (optional)"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />{' '}
          <button type="button" className="button primary" disabled={busy} onClick={() => void applyBulk()}>
            {busy ? 'Applying…' : 'Apply'}
          </button>{' '}
          <button type="button" className="button" onClick={() => setSelected(new Set())}>
            Clear
          </button>
        </section>
      )}
      {view === 'list' && total > rows.length && (
        <p className="muted">
          Showing the {rows.length} most urgent of {total}; narrow the filters to see the rest.
        </p>
      )}
      {view === 'list' && (
        <DataTable
          label="Exposures"
          rows={rows}
          columns={columns}
          rowKey={(e) => e.id}
          loading={data.loading}
          initialSort={{ key: 'priority', dir: 'desc' }}
          emptyMessage="No exposures match these filters."
        />
      )}
    </Page>
  );
}
