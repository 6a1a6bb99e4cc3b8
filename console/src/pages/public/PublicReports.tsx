// Public reports, the staff side (issue 12): the triage queue (filters category, region, status,
// observable type; oldest first) at /public-reports, a report's page at /public-reports/<id>
// (observables defanged, campaign links, duplicates, supplements, the timeline, attachments to
// view) with the decisions and their reasons, and the candidates for promotion to indicators at
// /public-reports/candidates. Everything goes through the staff API (/api/v1/public-reports…);
// the reporter's contact never reaches this page (only whether there is one).
import { type FormEvent, useState } from 'react';
import { CATEGORIES, DECISIONS, OBSERVABLE_KINDS, STATUSES } from '../../../../src/public/taxonomy.ts';
import {
  type ApiError,
  api,
  asApiError,
  type PublicCandidate as CandidateT,
  type PublicReportDetail as Detail,
  type PublicQueueItem as Item,
  type PublicQueue as QueueT,
} from '../../api.ts';
import { Badge, type Tone } from '../../components/Badge.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { Page, Panel } from '../../components/Page.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../../hooks.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import './public.css';

const BASE = '/public-reports';

const STATUS_TONE: Record<string, Tone> = {
  received: 'info',
  'needs-information': 'warn',
  confirmed: 'bad',
  benign: 'ok',
  duplicate: 'muted',
  'out-of-scope': 'muted',
  closed: 'muted',
  watching: 'muted',
  candidate: 'warn',
  published: 'bad',
  rejected: 'muted',
};

/**
 * Free text (narrative, SMS, supplements) shown defanged like the observables: URL schemes and
 * the dots of host-like words, so nothing a reporter typed becomes a live link or a click away.
 */
export function defangText(text: string): string {
  return text
    .replace(/\bhttp(s?):\/\//gi, (_m, s: string) => `hxxp${s}[://]`)
    .replace(/\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b/gi, (host) => host.replace(/\./g, '[.]'));
}

function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONE[status] ?? 'muted'}>{status}</Badge>;
}

const DECISION_LABEL: Record<(typeof DECISIONS)[number], string> = {
  confirm: 'Confirm',
  benign: 'Benign',
  duplicate: 'Duplicate of…',
  'needs-information': 'Needs information',
  'out-of-scope': 'Out of scope',
};

function Tabs({ current }: { current: string }) {
  const tabs: [string, string][] = [
    [BASE, 'Triage queue'],
    [`${BASE}/candidates`, 'Candidates'],
  ];
  return (
    <nav className="pr-tabs" aria-label="Public report views">
      {tabs.map(([to, label]) => (
        <Link key={to} to={to} aria-current={current === to ? 'page' : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function PublicReportsPage() {
  const { pathname } = useLocation();
  if (pathname === `${BASE}/candidates`) return <Candidates />;
  if (pathname.startsWith(`${BASE}/`))
    return <ReportView id={decodeURIComponent(pathname.slice(BASE.length + 1))} />;
  return <TriageQueue />;
}

interface Filters {
  category: string;
  region: string;
  status: string;
  observableType: string;
}

function TriageQueue() {
  const { search } = useLocation();
  const applied: Filters = {
    category: search.get('category') ?? '',
    region: search.get('region') ?? '',
    status: search.get('status') ?? '',
    observableType: search.get('observableType') ?? '',
  };
  const [f, setF] = useState<Filters>(applied);
  const key = JSON.stringify(applied);
  const queue = useLoad(() => api.get<QueueT>('/api/v1/public-reports', { ...applied, limit: '200' }), [key]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
    const s = q.toString();
    navigate(s ? `${BASE}?${s}` : BASE);
  };
  const columns: Column<Item>[] = [
    {
      key: 'received',
      header: 'Received',
      value: (r) => r.receivedAt,
      render: (r) => <Link to={`${BASE}/${r.id}`}>{formatDateTime(r.receivedAt)}</Link>,
      nowrap: true,
    },
    { key: 'category', header: 'Category', value: (r) => r.category, nowrap: true },
    { key: 'region', header: 'Region', value: (r) => r.region ?? '' },
    {
      key: 'status',
      header: 'Status',
      value: (r) => r.status,
      render: (r) => (
        <>
          <StatusBadge status={r.status} /> {r.demo && <Badge tone="muted">demo</Badge>}
        </>
      ),
    },
    { key: 'obs', header: 'Observables', value: (r) => r.observables, align: 'right' },
    { key: 'narrative', header: 'Narrative', value: (r) => r.narrativePreview },
  ];
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  return (
    <Page
      title="Public reports"
      subtitle="Reports of fraud, intrusions and privacy violations from the public, oldest first. Open reports unless a status is chosen."
    >
      <Tabs current={BASE} />
      <form className="pr-filters" onSubmit={submit} aria-label="Filter the queue">
        <label>
          Category
          <select value={f.category} onChange={set('category')}>
            <option value="">any</option>
            {['fraud.*', 'intrusion.*', 'privacy.*', ...CATEGORIES].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Region
          <input value={f.region} onChange={set('region')} placeholder="BW-N" size={10} />
        </label>
        <label>
          Status
          <select value={f.status} onChange={set('status')}>
            <option value="">open</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Observable type
          <select value={f.observableType} onChange={set('observableType')}>
            <option value="">any</option>
            {OBSERVABLE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button">
          Apply
        </button>
      </form>
      {queue.error && <ProblemBanner error={queue.error} />}
      <p className="muted" aria-live="polite">
        {queue.data ? `${queue.data.total} report${queue.data.total === 1 ? '' : 's'}` : ''}
      </p>
      <DataTable
        label="Triage queue"
        rows={queue.data?.items ?? []}
        columns={columns}
        rowKey={(r) => r.id}
        loading={queue.loading}
        emptyMessage="No report matches."
      />
    </Page>
  );
}

function ReportView({ id }: { id: string }) {
  const d = useLoad(() => api.get<Detail>(`/api/v1/public-reports/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const r = d.data;
  return (
    <Page title="Public report" subtitle={id}>
      <Tabs current="" />
      {(d.error || error) && <ProblemBanner error={(d.error ?? error)!} />}
      {done && (
        <p className="pr-done" role="status">
          {done}
        </p>
      )}
      {r && (
        <div className="pr-grid">
          <div>
            <Panel title="Report">
              <dl className="pr-facts">
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={r.status} /> {r.demo && <Badge tone="muted">demo</Badge>}
                  {r.decisionReason && <span className="muted"> — {r.decisionReason}</span>}
                  {r.duplicateOf && (
                    <>
                      {' '}
                      of <Link to={`${BASE}/${r.duplicateOf}`}>{r.duplicateOf}</Link>
                    </>
                  )}
                </dd>
                <dt>Category</dt>
                <dd>{r.category}</dd>
                <dt>Region</dt>
                <dd>{r.region ?? '—'}</dd>
                <dt>Contacted by</dt>
                <dd>{r.contactMethod ?? '—'}</dd>
                <dt>Occurred</dt>
                <dd>{formatDateTime(r.occurredAt)}</dd>
                <dt>Received</dt>
                <dd>{formatDateTime(r.receivedAt)}</dd>
                <dt>Loss</dt>
                <dd>
                  {r.loss
                    ? `${(Number(r.loss.amountMinor) / 100).toFixed(2)} ${r.loss.currency}${r.loss.paymentMethod ? ` (${r.loss.paymentMethod})` : ''}`
                    : '—'}
                </dd>
                <dt>Contact</dt>
                <dd>{r.hasContact ? 'left for status messages (not shown)' : 'none'}</dd>
                <dt>Ledger version</dt>
                <dd>{r.version}</dd>
              </dl>
              <h3>Narrative</h3>
              <p className="pr-text">{defangText(r.narrative)}</p>
              {r.message && (
                <>
                  <h3>Message as received</h3>
                  <p className="pr-text">{defangText(r.message)}</p>
                </>
              )}
              {r.supplements.length > 0 && (
                <>
                  <h3>Supplements</h3>
                  <ul aria-label="Supplements">
                    {r.supplements.map((s) => (
                      <li key={s.at}>
                        {formatDateTime(s.at)}: {defangText(s.text)}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </Panel>
            <Panel title="Observables">
              <DataTable
                label="Observables"
                rows={r.observables}
                rowKey={(o) => `${o.type}:${o.key}`}
                columns={[
                  { key: 'type', header: 'Type', value: (o) => o.type, nowrap: true },
                  {
                    key: 'value',
                    header: 'Value (defanged)',
                    value: (o) => o.value,
                    render: (o) => (
                      <>
                        <code>{o.value}</code>
                        {o.derived && <span className="muted"> (derived)</span>}
                        {o.spoofable && <span className="muted"> (spoofable)</span>}
                      </>
                    ),
                  },
                  { key: 'reporters', header: 'Reporters', value: (o) => o.reporters, align: 'right' },
                  {
                    key: 'status',
                    header: 'Status',
                    value: (o) => o.status,
                    render: (o) => <StatusBadge status={o.status} />,
                  },
                  {
                    key: 'act',
                    header: 'Indicator',
                    value: (o) => o.indicatorId ?? '',
                    render: (o) =>
                      o.indicatorId ? (
                        <Link to={`/intel/object/${encodeURIComponent(o.indicatorId)}`}>indicator</Link>
                      ) : o.derived || o.status === 'rejected' ? (
                        ''
                      ) : (
                        <PromoteButton
                          type={o.type}
                          k={o.key}
                          label={`Promote ${o.value}`}
                          onDone={(msg) => {
                            setDone(msg);
                            d.reload();
                          }}
                          onError={setError}
                        />
                      ),
                  },
                ]}
              />
            </Panel>
            <Panel title="Attachments">
              {r.attachments.length === 0 ? (
                <p>None.</p>
              ) : (
                <ul className="pr-attachments" aria-label="Attachments">
                  {r.attachments.map((a) => (
                    <li key={a.id}>
                      {a.stored ? (
                        <a
                          href={`/api/v1/public-reports/${r.id}/attachments/${a.id}`}
                          target="_blank"
                          rel="noopener noreferrer"
                        >
                          <img
                            src={`/api/v1/public-reports/${r.id}/attachments/${a.id}`}
                            alt={`Attachment ${a.mediaType}, ${a.width}×${a.height}`}
                            loading="lazy"
                          />
                        </a>
                      ) : (
                        <span className="pr-hash-only">{a.mediaType}: only its hash was kept</span>
                      )}
                      <span className="muted">
                        {' '}
                        {a.mediaType}, {(a.size / 1024).toFixed(1)} KiB{a.stored ? ', metadata removed' : ''}{' '}
                        — SHA-256 <code title={a.sha256}>{a.sha256.slice(0, 16)}…</code>
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
            <Panel title="Campaign">
              {r.campaign.length === 0 ? (
                <p>No other report shares an observable or a similar message.</p>
              ) : (
                <ul aria-label="Campaign">
                  {r.campaign.map((c) => (
                    <li key={c.id}>
                      <Link to={`${BASE}/${c.id}`}>{formatDateTime(c.receivedAt)}</Link> {c.category}{' '}
                      <StatusBadge status={c.status} /> <span className="muted">via</span>{' '}
                      <code>{c.via}</code>
                    </li>
                  ))}
                </ul>
              )}
              <h3>Duplicates</h3>
              {r.duplicates.length === 0 ? (
                <p>No report with the same fingerprint.</p>
              ) : (
                <ul className="pr-links" aria-label="Duplicates">
                  {r.duplicates.map((x) => (
                    <li key={x}>
                      <Link to={`${BASE}/${x}`}>{x}</Link>
                    </li>
                  ))}
                </ul>
              )}
            </Panel>
          </div>
          <div>
            <DecisionPanel
              report={r}
              onDone={(msg) => {
                setError(null);
                setDone(msg);
                d.reload();
              }}
              onError={setError}
            />
            <Panel title="Timeline">
              <ol className="pr-timeline" aria-label="Timeline">
                {r.timeline.map((s) => (
                  <li key={`${s.step}|${s.at}|${s.detail ?? ''}|${s.count ?? ''}`}>
                    <strong>{s.step}</strong>
                    {s.count !== undefined && ` (${s.count}${s.of !== undefined ? ` of ${s.of}` : ''})`}
                    {s.detail && <span className="muted"> {s.detail}</span>}
                    {s.at && <span className="muted"> — {formatDateTime(s.at)}</span>}
                  </li>
                ))}
              </ol>
            </Panel>
          </div>
        </div>
      )}
    </Page>
  );
}

function DecisionPanel({
  report,
  onDone,
  onError,
}: {
  report: Detail;
  onDone: (msg: string) => void;
  onError: (e: ApiError | null) => void;
}) {
  const [decision, setDecision] = useState<(typeof DECISIONS)[number]>('confirm');
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState(report.duplicates[0] ?? '');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    onError(null);
    try {
      await api.post(`/api/v1/public-reports/${report.id}/decisions`, {
        decision,
        reason,
        ...(decision === 'duplicate' ? { duplicateOf: duplicateOf.trim() } : {}),
      });
      setReason('');
      onDone(`Decision recorded: ${decision}.`);
    } catch (err) {
      onError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel title="Decision">
      <form className="pr-decide" onSubmit={submit} aria-label="Decide">
        <fieldset>
          <legend>Decision</legend>
          {DECISIONS.map((x) => (
            <label key={x} className="pr-radio">
              <input
                type="radio"
                name="decision"
                value={x}
                checked={decision === x}
                onChange={() => setDecision(x)}
              />{' '}
              {DECISION_LABEL[x]}
            </label>
          ))}
        </fieldset>
        {decision === 'duplicate' && (
          <label>
            Original report id
            <input value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
          </label>
        )}
        <label>
          Reason
          <textarea
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            required
            minLength={3}
            maxLength={1000}
          />
        </label>
        <button type="submit" className="button primary" disabled={busy}>
          Record decision
        </button>
        <p className="muted">Each decision is committed to the ledger as the report's next version.</p>
      </form>
    </Panel>
  );
}

function PromoteButton({
  type,
  k,
  label,
  onDone,
  onError,
}: {
  type: string;
  k: string;
  label: string;
  onDone: (msg: string) => void;
  onError: (e: ApiError | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const promote = async () => {
    let attackerRegistered: boolean | undefined;
    if (type === 'domain') {
      // A domain is listed only when the attacker registered it (else promote the exact URL).
      if (!window.confirm('Did the attacker register this domain? Only then is it listed.')) return;
      attackerRegistered = true;
    }
    setBusy(true);
    onError(null);
    try {
      const c = await api.post<CandidateT & { awaiting: string | null }>(
        '/api/v1/public-reports/observables/promote',
        { type, key: k, ...(attackerRegistered ? { attackerRegistered } : {}) },
      );
      onDone(
        c.awaiting
          ? `Approved; awaiting ${c.awaiting}.`
          : `Published as an indicator, shared with ${c.sharedWith} operator${c.sharedWith === 1 ? '' : 's'}.`,
      );
    } catch (err) {
      onError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className="button small" aria-label={label} disabled={busy} onClick={promote}>
      Promote
    </button>
  );
}

function Candidates() {
  const [status, setStatus] = useState<'candidate' | 'watching' | 'published' | 'rejected'>('candidate');
  const list = useLoad(
    () => api.get<{ items: CandidateT[] }>('/api/v1/public-reports/observables', { status }),
    [status],
  );
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const reject = async (c: CandidateT) => {
    setError(null);
    try {
      await api.post('/api/v1/public-reports/observables/reject', { type: c.type, key: c.key });
      setDone(`Rejected ${c.value}.`);
      list.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <Page
      title="Candidates"
      subtitle="Observables reported by enough distinct reporters, or confirmed by an analyst. Promotion makes an indicator for the operators of its kind; allowlisted values need two analysts."
    >
      <Tabs current={`${BASE}/candidates`} />
      <p>
        <a href="/api/v1/public-reports/xarf?format=ndjson" download="bulwark-xarf.ndjson">
          Download X-ARF v4
        </a>{' '}
        <span className="muted">
          — the confirmed URLs and domains for abuse desks, one report a line (observables and counts only).
        </span>
      </p>
      <label className="pr-filters">
        Status{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          {(['candidate', 'watching', 'published', 'rejected'] as const).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {(list.error || error) && <ProblemBanner error={(list.error ?? error)!} />}
      {done && (
        <p className="pr-done" role="status">
          {done}
        </p>
      )}
      <DataTable
        label="Candidates"
        rows={list.data?.items ?? []}
        rowKey={(c) => `${c.type}:${c.key}`}
        loading={list.loading}
        emptyMessage="None."
        columns={[
          { key: 'type', header: 'Type', value: (c) => c.type, nowrap: true },
          {
            key: 'value',
            header: 'Value (defanged)',
            value: (c) => c.value,
            render: (c) => <code>{c.value}</code>,
          },
          { key: 'reporters', header: 'Reporters', value: (c) => c.reporters, align: 'right' },
          { key: 'recent', header: 'In window', value: (c) => c.recentReporters, align: 'right' },
          { key: 'reports', header: 'Reports', value: (c) => c.reports, align: 'right' },
          { key: 'reason', header: 'Why', value: (c) => c.reason ?? '' },
          {
            key: 'approvals',
            header: 'Approvals',
            value: (c) => `${c.approvals}/${c.approvalsNeeded}`,
            render: (c) => (
              <>
                {c.approvals}/{c.approvalsNeeded} {c.allowlisted && <Badge tone="warn">allowlisted</Badge>}
              </>
            ),
          },
          {
            key: 'act',
            header: '',
            value: () => '',
            render: (c) =>
              c.status === 'published' ? (
                c.indicatorId ? (
                  <Link to={`/intel/object/${encodeURIComponent(c.indicatorId)}`}>
                    indicator (shared with {c.sharedWith})
                  </Link>
                ) : (
                  ''
                )
              ) : (
                <span className="pr-actions">
                  <PromoteButton
                    type={c.type}
                    k={c.key}
                    label={`Promote ${c.value}`}
                    onDone={(msg) => {
                      setDone(msg);
                      list.reload();
                    }}
                    onError={setError}
                  />
                  {c.status !== 'rejected' && (
                    <button
                      type="button"
                      className="button small subtle"
                      aria-label={`Reject ${c.value}`}
                      onClick={() => reject(c)}
                    >
                      Reject
                    </button>
                  )}
                </span>
              ),
          },
        ]}
      />
    </Page>
  );
}
