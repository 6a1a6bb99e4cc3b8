// Incidents: the queue of the caller's level sorted by the earliest open deadline with live
// deadline clocks (/incidents), the incident page with its obligations, timeline, tasks and grade
// history (/incidents/<id>), the guided reporting form that shows what is due by when
// (/incidents/new), the regional overview (/incidents/overview), the drill launcher
// (/incidents/drill) and the regimes with their versions (/incidents/regimes, incidents/Regimes.tsx).
// Drills are labelled DRILL wherever they appear.
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import {
  api,
  asApiError,
  type GradeSuggestion,
  type Incident,
  type IncidentPreview,
  type IncidentRegimes as Regimes,
  type IncidentSummary as Summary,
  type ListOf,
  type Obligation,
  type Organization,
  type StatutoryReport,
  type Task,
  type TimelineEntry,
} from '../api.ts';
import { Badge, type Tone } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { LinkedIntelligence } from './Intel.tsx';
import { AttachmentsPanel } from './incidents/Attachments.tsx';
import { RegimesPage } from './incidents/Regimes.tsx';

const GRADES = ['general', 'relatively-major', 'major', 'particularly-major'] as const;
const GRADE_TONE: Record<string, Tone> = {
  general: 'muted',
  'relatively-major': 'info',
  major: 'warn',
  'particularly-major': 'bad',
};
const STATUSES = ['draft', 'reported', 'triaged', 'responding', 'recovered', 'closed'] as const;
/** The workflow (src/incidents/policy.ts): the moves from a status, and which side makes each. */
const MOVES: Record<string, [string, ('reporting' | 'coordinating')[]][]> = {
  draft: [['reported', ['reporting']]],
  reported: [
    ['triaged', ['coordinating']],
    ['responding', ['reporting', 'coordinating']],
  ],
  triaged: [['responding', ['reporting', 'coordinating']]],
  responding: [['recovered', ['reporting', 'coordinating']]],
  recovered: [
    ['responding', ['reporting', 'coordinating']],
    ['closed', ['coordinating']],
  ],
  closed: [['responding', ['coordinating']]],
};

/** Re-renders every `ms` so the clocks tick. */
function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function span(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** A deadline clock: time left, or how long overdue. */
export function DeadlineClock({
  due,
  satisfiedAt,
  now,
}: {
  due: string | null;
  satisfiedAt?: string | null;
  now: number;
}) {
  if (satisfiedAt) return <Badge tone="ok">filed</Badge>;
  if (!due) return <span className="muted">not yet running</span>;
  const left = new Date(due).getTime() - now;
  if (left < 0)
    return (
      <span className="deadline-clock" data-overdue="true">
        <Badge tone="bad">OVERDUE</Badge> by {span(left)}
      </span>
    );
  return (
    <span className="deadline-clock">
      <Badge tone={left < 3_600_000 ? 'warn' : 'info'}>due in {span(left)}</Badge>
    </span>
  );
}

export function GradeBadge({ grade }: { grade: string }) {
  return <Badge tone={GRADE_TONE[grade] ?? 'muted'}>{grade}</Badge>;
}

const DrillBadge = ({ exercise }: { exercise: boolean }) =>
  exercise ? (
    <Badge tone="info" title="An exercise: excluded from statistics">
      DRILL
    </Badge>
  ) : null;

export function IncidentsPage() {
  const { pathname } = useLocation();
  const rest = pathname.replace(/^\/incidents\/?/, '');
  if (rest === 'new') return <ReportForm />;
  if (rest === 'overview') return <Overview />;
  if (rest === 'drill') return <DrillLauncher />;
  if (rest === 'regimes' || rest.startsWith('regimes/')) return <RegimesPage />;
  if (rest) return <IncidentDetail id={rest} />;
  return <Queue />;
}

function Tabs() {
  const { session } = useSession();
  const coordinating = session.org.kind !== 'operator';
  return (
    <nav className="page-actions" aria-label="Incident views">
      <Link to="/incidents" className="button">
        Queue
      </Link>
      <Link to="/incidents/new" className="button primary">
        Report an incident
      </Link>
      <Link to="/incidents/overview" className="button">
        Regional overview
      </Link>
      {coordinating && (
        <Link to="/incidents/drill" className="button">
          Launch a drill
        </Link>
      )}
      <Link to="/incidents/regimes" className="button">
        Regimes
      </Link>
    </nav>
  );
}

function Queue() {
  const { search } = useLocation();
  const filters = {
    status: search.get('status') ?? '',
    grade: search.get('grade') ?? '',
    overdue: search.get('overdue') ?? '',
    exercise: search.get('exercise') ?? '',
    escalated: search.get('escalated') ?? '',
  };
  const key = Object.values(filters).join('|');
  const data = useLoad(
    () => api.get<ListOf<Incident>>('/api/v1/incidents', { ...filters, limit: '500' }),
    [key],
  );
  const alerts = useLoad(
    () => api.get<ListOf<Incident>>('/api/v1/incidents', { escalated: 'true', limit: '50' }),
    [],
  );
  const now = useNow();
  const set = (f: keyof typeof filters, v: string) => {
    const q = new URLSearchParams(search);
    if (v) q.set(f, v);
    else q.delete(f);
    navigate(`/incidents${q.toString() ? `?${q}` : ''}`, { replace: true });
  };
  const rows = data.data?.items ?? [];
  const columns: Column<Incident>[] = [
    {
      key: 'deadline',
      header: 'Next deadline',
      value: (i) => i.nextDue ?? '9999',
      render: (i) => <DeadlineClock due={i.nextDue} now={now} />,
      nowrap: true,
    },
    {
      key: 'title',
      header: 'Incident',
      value: (i) => `${i.title} ${i.exercise ? 'drill' : ''}`,
      render: (i) => (
        <>
          <DrillBadge exercise={i.exercise} /> <Link to={`/incidents/${i.id}`}>{i.title}</Link>
          {i.escalated && !i.alertAcknowledgedAt && (
            <>
              {' '}
              <Badge tone="bad">ALERT</Badge>
            </>
          )}
        </>
      ),
    },
    {
      key: 'grade',
      header: 'Grade',
      value: (i) => GRADES.indexOf(i.grade),
      render: (i) => <GradeBadge grade={i.grade} />,
    },
    { key: 'status', header: 'Status', value: (i) => i.status },
    { key: 'org', header: 'Organization', value: (i) => i.orgName },
    { key: 'where', header: 'Sector / region', value: (i) => `${i.sector ?? '—'} ${i.region}` },
    {
      key: 'aware',
      header: 'Aware',
      value: (i) => i.awareAt,
      render: (i) => formatDateTime(i.awareAt),
      nowrap: true,
    },
  ];
  const pick = (label: string, f: keyof typeof filters, options: [string, string][]) => (
    <label className="filter">
      {label}{' '}
      <select aria-label={label} value={filters[f]} onChange={(e) => set(f, e.target.value)}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  const open = alerts.data?.items ?? [];
  return (
    <Page
      title="Incidents"
      subtitle={`${data.data?.total ?? rows.length} incidents, the earliest deadline first`}
      actions={<Tabs />}
    >
      <ProblemBanner error={data.error} />
      {open.length > 0 && (
        <p className="notice problem" role="alert" data-testid="escalation-alerts">
          {open.length} escalated incident{open.length === 1 ? '' : 's'} awaiting the centre:{' '}
          {open.map((i, n) => (
            <span key={i.id}>
              {n > 0 && ', '}
              <Link to={`/incidents/${i.id}`}>{i.title}</Link>
            </span>
          ))}
        </p>
      )}
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(i) => i.id}
        label="Incidents"
        loading={data.loading}
        emptyMessage="No incidents match."
        onRowClick={(i) => navigate(`/incidents/${i.id}`)}
        toolbar={
          <>
            {pick('Overdue', 'overdue', [
              ['', 'all'],
              ['true', 'overdue only'],
            ])}
            {pick('Status', 'status', [['', 'any'], ...STATUSES.map((s): [string, string] => [s, s])])}
            {pick('Grade', 'grade', [['', 'any'], ...GRADES.map((g): [string, string] => [g, g])])}
            {pick('Drills', 'exercise', [
              ['', 'with drills'],
              ['false', 'real only'],
              ['true', 'drills only'],
            ])}
          </>
        }
      />
    </Page>
  );
}

function ObligationTable({
  obligations,
  now,
  request,
  incidentId,
}: {
  obligations: Obligation[];
  now: number;
  /** The incident's id: each stage links to its statutory report document (printable, JSON). */
  incidentId?: string;
  /** For an authority: requests a stage owed on request (NIS2 art. 23(4)(c)); absent: no button. */
  request?: (stage: string) => void;
}) {
  return (
    <table className="table" aria-label="Obligations">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Due (organization's time)</th>
          <th>Clock</th>
          <th>To</th>
          <th>Counts from</th>
        </tr>
      </thead>
      <tbody>
        {obligations.map((o) => (
          <tr key={o.stage} data-stage={o.stage}>
            <td>
              <strong>{o.title}</strong>
              <div className="muted">
                {o.stage} · filed by the {o.filer}
              </div>
              {incidentId && (
                <Link
                  to={`/statutory-reports/${incidentId}/${encodeURIComponent(o.stage)}`}
                  aria-label={`${o.satisfiedAt ? 'Report document' : 'Draft document'}: ${o.title}`}
                >
                  {o.satisfiedAt ? 'Report document' : 'Draft document'}
                </Link>
              )}
            </td>
            <td className="nowrap">{o.dueLocal ?? (o.onRequest && !o.satisfiedAt ? 'on request' : '—')}</td>
            <td>
              {o.onRequest && !o.due && !o.satisfiedAt ? (
                <>
                  <Badge tone="muted">on request</Badge>{' '}
                  {request && (
                    <button
                      type="button"
                      className="button"
                      aria-label={`Request the ${o.title}`}
                      onClick={() => request(o.stage)}
                    >
                      Request
                    </button>
                  )}
                </>
              ) : (
                <DeadlineClock due={o.due} satisfiedAt={o.satisfiedAt} now={now} />
              )}
              {o.late && <Badge tone="warn">late</Badge>}
              {o.requestedAt && !o.satisfiedAt && (
                <div className="muted">requested {formatDateTime(o.requestedAt)}</div>
              )}
            </td>
            <td>{o.recipientName ?? o.recipient}</td>
            <td className="muted">{o.anchor}</td>
          </tr>
        ))}
        {obligations.length === 0 && (
          <tr>
            <td colSpan={5} className="muted">
              No statutory report is owed at this grade.
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

function IncidentDetail({ id }: { id: string }) {
  const { session } = useSession();
  const data = useLoad(
    () =>
      Promise.all([
        api.get<Incident>(`/api/v1/incidents/${id}`),
        api.get<ListOf<TimelineEntry>>(`/api/v1/incidents/${id}/timeline`),
        api.get<ListOf<Task>>(`/api/v1/incidents/${id}/tasks`),
        api.get<ListOf<StatutoryReport>>(`/api/v1/incidents/${id}/reports`),
        api.get<Regimes>('/api/v1/incident-regimes'),
      ]),
    [id],
  );
  const now = useNow();
  const [error, setError] = useState<unknown>(null);
  const [stage, setStage] = useState('');
  const [content, setContent] = useState<Record<string, string>>({});
  const [task, setTask] = useState('');
  const [comment, setComment] = useState('');
  if (!data.data)
    return (
      <Page title="Incident">{data.error ? <ProblemBanner error={data.error} /> : <p>Loading…</p>}</Page>
    );
  const [incident, timeline, tasks, reports, regimes] = data.data;
  const regime = regimes.items.find((r) => r.id === incident.regime);
  const open = incident.obligations.filter((o) => !o.satisfiedAt && o.due);
  const fields = regime?.stages.find((s) => s.key === stage)?.content ?? [];
  const act = (fn: () => Promise<unknown>) => async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    try {
      await fn();
      data.reload();
    } catch (err) {
      setError(err);
    }
  };
  const grades = timeline.items.filter((e) => e.kind === 'graded');
  // The server decides; the page offers only what the caller's side may do.
  const side = session.org.id === incident.org ? 'reporting' : 'coordinating';
  const moves = (MOVES[incident.status] ?? []).filter(([, by]) => by.includes(side)).map(([to]) => to);
  const centre = session.org.kind === 'coordination-centre';
  // An authority above the operator or its regulator (analyst, responder, admin) may request a
  // report owed on request; the server checks it again.
  const mayRequest =
    side === 'coordinating' && session.user.roles.some((r) => ['admin', 'analyst', 'responder'].includes(r));
  return (
    <Page
      title={incident.title}
      subtitle={
        <>
          <DrillBadge exercise={incident.exercise} /> <GradeBadge grade={incident.grade} /> {incident.status}{' '}
          · {incident.orgName} ·{' '}
          <Link to={`/incidents/regimes/${encodeURIComponent(incident.regime)}`}>
            {incident.regime} v{incident.regimeVersion}
          </Link>{' '}
          ({incident.entityType}) · shown in {incident.timeZone}
        </>
      }
      actions={<Tabs />}
    >
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      {incident.escalated && (
        <p className="notice" role="status">
          Escalated to the centre {formatDateTime(incident.escalatedAt)}
          {incident.alertAcknowledgedAt
            ? `, acknowledged ${formatDateTime(incident.alertAcknowledgedAt)}`
            : ' — awaiting acknowledgement'}
          .
        </p>
      )}
      <Panel title="Obligations">
        <ObligationTable
          obligations={incident.obligations}
          incidentId={id}
          now={now}
          request={
            mayRequest
              ? (stage) => void act(() => api.post(`/api/v1/incidents/${id}/requests`, { stage }))()
              : undefined
          }
        />
      </Panel>
      <div className="split">
        <Panel title="Workflow and grade">
          <div className="page-actions">
            {moves.map((to) => (
              <button
                key={to}
                type="button"
                className="button"
                onClick={act(() => api.patch(`/api/v1/incidents/${id}`, { status: to }))}
              >
                Move to {to}
              </button>
            ))}
            {centre && incident.escalated && !incident.alertAcknowledgedAt && (
              <button
                type="button"
                className="button"
                onClick={act(() => api.patch(`/api/v1/incidents/${id}`, { acknowledgeAlert: true }))}
              >
                Acknowledge alert
              </button>
            )}
          </div>
          <label className="field">
            Regrade{' '}
            <select
              aria-label="Regrade"
              value={incident.grade}
              onChange={(e) =>
                void act(() => api.patch(`/api/v1/incidents/${id}`, { grade: e.target.value }))()
              }
            >
              {GRADES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </label>
          <h3>Grade history</h3>
          <ul className="plain-list" aria-label="Grade history">
            <li>
              filed as {String(timeline.items.find((e) => e.kind === 'filed')?.data.grade ?? incident.grade)}
            </li>
            {grades.map((g) => (
              <li key={g.id}>
                {formatDateTime(g.at)}: {String(g.data.from)} → <strong>{String(g.data.to)}</strong> by{' '}
                {g.actor.name}
                {g.data.note ? ` — ${String(g.data.note)}` : ''}
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title="File a statutory report">
          {open.length === 0 ? (
            <p className="muted">Nothing is due now.</p>
          ) : (
            <form
              className="form"
              aria-label="File a statutory report"
              onSubmit={act(async () => {
                await api.post(`/api/v1/incidents/${id}/reports`, { stage, content });
                setStage('');
                setContent({});
              })}
            >
              <label className="field">
                Stage{' '}
                <select aria-label="Stage" value={stage} onChange={(e) => setStage(e.target.value)} required>
                  <option value="">choose…</option>
                  {open.map((o) => (
                    <option key={o.stage} value={o.stage}>
                      {o.title} (due {o.dueLocal})
                    </option>
                  ))}
                </select>
              </label>
              {fields.map((f) => (
                <label key={f} className="field">
                  {f}
                  <textarea
                    aria-label={f}
                    value={content[f] ?? ''}
                    onChange={(e) => setContent({ ...content, [f]: e.target.value })}
                  />
                </label>
              ))}
              <button type="submit" className="button primary" disabled={!stage}>
                File report
              </button>
            </form>
          )}
          {reports.items.length > 0 && (
            <ul className="plain-list" aria-label="Reports filed">
              {reports.items.map((r) => (
                <li key={r.id}>
                  {r.title}: filed {formatDateTime(r.filedAt)} by {r.filedBy.name}
                  {r.late ? ' (late)' : ''} · <a href={r.receipt.href}>ledger receipt</a>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
      <div className="split">
        <Panel title="Tasks">
          <ul className="plain-list" aria-label="Tasks">
            {tasks.items.map((t) => (
              <li key={t.id}>
                <strong>{t.title}</strong> — {t.orgName} · {t.status}
                {t.due ? ` · due ${formatDateTime(t.due)}` : ''}{' '}
                {t.overdue && <Badge tone="bad">overdue</Badge>}
                {t.status !== 'done' && (
                  <button
                    type="button"
                    className="link-button"
                    onClick={act(() =>
                      api.patch(`/api/v1/incidents/${id}/tasks/${t.id}`, { status: 'done' }),
                    )}
                  >
                    mark done
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form
            className="form"
            aria-label="Add a task"
            onSubmit={act(async () => {
              await api.post(`/api/v1/incidents/${id}/tasks`, { title: task });
              setTask('');
            })}
          >
            <input
              aria-label="Task title"
              value={task}
              onChange={(e) => setTask(e.target.value)}
              placeholder="New task…"
            />
            <button type="submit" className="button" disabled={!task.trim()}>
              Add task
            </button>
          </form>
        </Panel>
        <Panel title="Timeline">
          <ol className="plain-list" aria-label="Timeline">
            {timeline.items.map((e) => (
              <li key={e.id}>
                <span className="muted">{formatDateTime(e.at)}</span> <strong>{e.kind}</strong> by{' '}
                {e.actor.name}
                {e.kind === 'status' && `: ${String(e.data.from)} → ${String(e.data.to)}`}
                {e.kind === 'graded' && `: ${String(e.data.from)} → ${String(e.data.to)}`}
                {e.kind === 'report' && `: ${String(e.data.stage)}`}
                {e.kind === 'comment' && `: ${String(e.data.text)}`}
                {e.kind === 'task' && `: ${String(e.data.title)}`}
              </li>
            ))}
          </ol>
          <form
            className="form"
            aria-label="Comment"
            onSubmit={act(async () => {
              await api.post(`/api/v1/incidents/${id}/timeline`, { text: comment });
              setComment('');
            })}
          >
            <input
              aria-label="Comment text"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder="Comment…"
            />
            <button type="submit" className="button" disabled={!comment.trim()}>
              Comment
            </button>
          </form>
        </Panel>
      </div>
      <AttachmentsPanel
        incident={id}
        canAttach={session.user.roles.some((r) => ['admin', 'analyst', 'responder', 'reporter'].includes(r))}
      />
      <Panel title="Linked intelligence">
        <LinkedIntelligence incident={id} indicatorsText={incident.indicators} />
      </Panel>
      <Panel title="Impact">
        <dl className="props">
          {Object.entries(incident.impact).map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{String(v)}</dd>
            </div>
          ))}
          <div>
            <dt>category</dt>
            <dd>{incident.category}</dd>
          </div>
          <div>
            <dt>aware</dt>
            <dd>{formatDateTime(incident.awareAt)}</dd>
          </div>
        </dl>
        {incident.description && <p>{incident.description}</p>}
      </Panel>
    </Page>
  );
}

function localInput(d: Date): string {
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

interface Draft {
  title: string;
  category: string;
  grade: string;
  aware: string;
  description: string;
}

/** The impact figures the grading checklist reads, as typed (strings until sent). */
const IMPACT_FIELDS = [
  ['outageHours', 'Outage of a CII system (hours)'],
  ['mainFunctionOutageHours', "Outage of a CII system's main functions (hours)"],
  ['peopleAffected', 'People affected'],
  ['cityPopulationSharePercent', "Share of one city's population affected (%)"],
  ['provincePopulationSharePercent', "Share of one province's population affected (%)"],
  ['recordsLeaked', 'Personal-data records leaked'],
  ['directLoss', 'Direct loss (regime currency)'],
  ['portalDowntimeHours', 'Portal downtime (hours)'],
] as const;
/** Important data leaked or stolen: a judgement on the grading guide's scale, not a count. */
const IMPORTANT_DATA_LEVELS = [
  ['', 'none, or no important data'],
  ['1', 'relatively serious threat to national security'],
  ['2', 'serious threat'],
  ['3', 'particularly serious threat'],
] as const;
type ImpactKey = (typeof IMPACT_FIELDS)[number][0] | 'importantDataThreat';

function IncidentForm({ drill }: { drill: boolean }) {
  const regimes = useLoad(() => api.get<Regimes>('/api/v1/incident-regimes'), []);
  const orgs = useLoad(
    () => (drill ? api.orgs.list({ kind: 'operator' }) : Promise.resolve([] as Organization[])),
    [drill],
  );
  const [v, setV] = useState<Draft>({
    title: drill ? 'DRILL: ' : '',
    category: 'enisa:malicious-code',
    grade: 'relatively-major',
    aware: localInput(new Date()),
    description: '',
  });
  const [org, setOrg] = useState('');
  const [impact, setImpact] = useState<Partial<Record<ImpactKey, string>>>({});
  const figures = useMemo(() => {
    const out: Partial<Record<ImpactKey, number>> = {};
    for (const k of [...IMPACT_FIELDS.map(([f]) => f), 'importantDataThreat' as const]) {
      const raw = impact[k]?.trim();
      if (raw && Number.isFinite(Number(raw)) && Number(raw) >= 0) out[k] = Number(raw);
    }
    return out;
  }, [impact]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const awareIso = useMemo(() => {
    const d = new Date(v.aware);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString();
  }, [v.aware]);
  const target = drill ? org : '';
  const preview = useLoad(
    () =>
      awareIso && (!drill || target)
        ? api.get<IncidentPreview>('/api/v1/incidents/preview', {
            grade: v.grade,
            awareAt: awareIso,
            org: target || undefined,
          })
        : Promise.resolve(undefined),
    [v.grade, awareIso, target],
  );
  const suggestion = useLoad(
    () =>
      !drill || target
        ? api.get<GradeSuggestion>('/api/v1/incidents/grading', {
            ...Object.fromEntries(Object.entries(figures).map(([k, n]) => [k, String(n)])),
            org: target || undefined,
          })
        : Promise.resolve(undefined),
    [JSON.stringify(figures), target],
  );
  const now = useNow();
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const created = await api.post<Incident>('/api/v1/incidents', {
        title: v.title,
        category: v.category,
        grade: v.grade,
        awareAt: awareIso,
        ...(v.description.trim() ? { description: v.description } : {}),
        ...(Object.keys(figures).length ? { impact: figures } : {}),
        ...(drill ? { exercise: true, org } : {}),
      });
      navigate(`/incidents/${created.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      <div className="split">
        <Panel title={drill ? 'Drill' : 'Report'}>
          <form
            className="form"
            aria-label={drill ? 'Launch a drill' : 'Report an incident'}
            onSubmit={submit}
          >
            {drill && (
              <label className="field">
                Operator{' '}
                <select aria-label="Operator" value={org} onChange={(e) => setOrg(e.target.value)} required>
                  <option value="">choose…</option>
                  {(orgs.data ?? []).map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="field">
              Title{' '}
              <input aria-label="Title" value={v.title} onChange={set('title')} required maxLength={300} />
            </label>
            <label className="field">
              Category{' '}
              <select aria-label="Category" value={v.category} onChange={set('category')}>
                {(regimes.data?.categories ?? []).map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              Grade{' '}
              <select aria-label="Grade" value={v.grade} onChange={set('grade')}>
                {GRADES.map((g) => (
                  <option key={g} value={g}>
                    {g}
                  </option>
                ))}
              </select>
            </label>
            <fieldset className="field">
              <legend>Impact (the grading checklist reads these)</legend>
              {IMPACT_FIELDS.map(([k, label]) => (
                <label key={k} className="field">
                  {label}{' '}
                  <input
                    aria-label={label}
                    type="number"
                    min={0}
                    step="any"
                    value={impact[k] ?? ''}
                    onChange={(e) => setImpact({ ...impact, [k]: e.target.value })}
                  />
                </label>
              ))}
              <label className="field">
                Important data leaked or stolen{' '}
                <select
                  aria-label="Important data leaked or stolen"
                  value={impact.importantDataThreat ?? ''}
                  onChange={(e) => setImpact({ ...impact, importantDataThreat: e.target.value })}
                >
                  {IMPORTANT_DATA_LEVELS.map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              </label>
              {suggestion.data && (
                <div data-testid="grade-suggestion" aria-live="polite">
                  <p>
                    Suggested grade under {suggestion.data.regime}:{' '}
                    <GradeBadge grade={suggestion.data.grade} />{' '}
                    {suggestion.data.grade !== v.grade && (
                      <button
                        type="button"
                        className="button small"
                        onClick={() => setV({ ...v, grade: suggestion.data!.grade })}
                      >
                        Use suggested grade
                      </button>
                    )}
                  </p>
                  {suggestion.data.fired.length > 0 ? (
                    <ul>
                      {suggestion.data.fired.map((f) => (
                        <li key={f.figure}>
                          {f.label}: {f.value.toLocaleString()} ≥ {f.threshold.toLocaleString()} → {f.grade}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="muted">
                      {suggestion.data.checklist
                        ? 'No criterion met.'
                        : 'This regime has no grading checklist.'}
                    </p>
                  )}
                </div>
              )}
            </fieldset>
            <label className="field">
              Aware since (your browser's time){' '}
              <input
                aria-label="Aware since"
                type="datetime-local"
                value={v.aware}
                onChange={set('aware')}
                required
              />
            </label>
            <label className="field">
              Description{' '}
              <textarea aria-label="Description" value={v.description} onChange={set('description')} />
            </label>
            <button type="submit" className="button primary" disabled={busy || (drill && !org)}>
              {drill ? 'Launch drill' : 'File incident'}
            </button>
          </form>
        </Panel>
        <Panel title="What is due, by when">
          {preview.data ? (
            <>
              <p className="muted">
                {preview.data.regime} · {preview.data.entityType} · times in {preview.data.timeZone}
              </p>
              <ObligationTable obligations={preview.data.obligations} now={now} />
            </>
          ) : (
            <p className="muted">{drill ? 'Choose an operator.' : 'Enter when you became aware.'}</p>
          )}
          <ProblemBanner error={preview.error} />
        </Panel>
      </div>
    </>
  );
}

function ReportForm() {
  return (
    <Page title="Report an incident" subtitle="The clocks run from when you became aware" actions={<Tabs />}>
      <IncidentForm drill={false} />
    </Page>
  );
}

function DrillLauncher() {
  return (
    <Page
      title="Launch a drill"
      subtitle="Same workflow and clocks, labelled DRILL, left out of statistics"
      actions={<Tabs />}
    >
      <IncidentForm drill={true} />
    </Page>
  );
}

function Overview() {
  const data = useLoad(() => api.get<Summary>('/api/v1/incidents/summary'), []);
  const rows = data.data?.rows ?? [];
  const columns: Column<Summary['rows'][number]>[] = [
    {
      key: 'overdue',
      header: 'Overdue',
      value: (r) => r.overdue,
      render: (r) => (r.overdue ? <Badge tone="bad">{r.overdue}</Badge> : '0'),
      align: 'right',
    },
    { key: 'region', header: 'Region', value: (r) => r.region },
    {
      key: 'grade',
      header: 'Grade',
      value: (r) => GRADES.indexOf(r.grade as (typeof GRADES)[number]),
      render: (r) => <GradeBadge grade={r.grade} />,
    },
    { key: 'status', header: 'Status', value: (r) => r.status },
    { key: 'count', header: 'Incidents', value: (r) => r.count, align: 'right' },
  ];
  return (
    <Page
      title="Regional overview"
      subtitle={`${rows.reduce((n, r) => n + r.count, 0)} incidents, ${rows.reduce((n, r) => n + r.overdue, 0)} overdue; ${data.data?.exercises ?? 0} drills not counted`}
      actions={<Tabs />}
    >
      <ProblemBanner error={data.error} />
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(r) => `${r.region} ${r.grade} ${r.status}`}
        label="Incidents by region, grade and status"
        initialSort={{ key: 'overdue', dir: 'desc' }}
        loading={data.loading}
      />
    </Page>
  );
}
