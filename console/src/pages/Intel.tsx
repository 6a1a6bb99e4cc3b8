// Threat intelligence: search over indicators and other STIX objects (/intel), an object's page
// with its markings, version history, life cycle and the relationships the caller may see
// (/intel/object/<id>), collections and remote TAXII feeds with their sync outcomes
// (/intel/collections), and a match tester that extracts the observables of a pasted log excerpt
// and shows the hits (/intel/match); the incidents an indicator or sighting is linked to, and an
// incident's linked intelligence (LinkedIntelligence, shown on the incident's page). What the caller sees is what the TLP clause of the access
// rule lets through.
import { type FormEvent, useState } from 'react';
import {
  type ApiError,
  api,
  asApiError,
  type IntelCollection as Collection,
  type IntelObjectDetail as Detail,
  type IntelFeed as Feed,
  type IntelFeedLogEntry as FeedLog,
  type IncidentLink,
  type ListOf,
  type IntelMatchResult as MatchResult,
  type IntelObjectSummary as Summary,
} from '../api.ts';
import { Badge, type Tone } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Page, Panel } from '../components/Page.tsx';
import { ProblemBanner } from '../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../hooks.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import './intel.css';

const TLP_TONE: Record<string, Tone> = {
  clear: 'muted',
  green: 'ok',
  amber: 'warn',
  'amber+strict': 'warn',
  red: 'bad',
};

export function TlpBadge({ tlp }: { tlp: string | null }) {
  if (!tlp) return <Badge tone="muted">other marking</Badge>;
  return <Badge tone={TLP_TONE[tlp] ?? 'muted'}>TLP:{tlp.toUpperCase()}</Badge>;
}

function Tabs({ current }: { current: string }) {
  const tabs = [
    ['/intel', 'Search'],
    ['/intel/match', 'Match tester'],
    ['/intel/collections', 'Collections and feeds'],
  ];
  return (
    <nav className="intel-tabs" aria-label="Intelligence views">
      {tabs.map(([to, label]) => (
        <Link key={to} to={to!} aria-current={current === to ? 'page' : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}

export function IntelPage() {
  const { pathname } = useLocation();
  if (pathname.startsWith('/intel/object/'))
    return <ObjectView id={decodeURIComponent(pathname.slice('/intel/object/'.length))} />;
  if (pathname === '/intel/match') return <MatchTester />;
  if (pathname === '/intel/collections') return <Collections />;
  return <Search />;
}

function Search() {
  const [q, setQ] = useState('');
  const [type, setType] = useState('indicator');
  const [query, setQuery] = useState({ q: '', type: 'indicator' });
  const list = useLoad(
    () => api.get<ListOf<Summary>>('/api/v1/intel/objects', { q: query.q, type: query.type, limit: '200' }),
    [query],
  );
  const columns: Column<Summary>[] = [
    {
      key: 'name',
      header: 'Name',
      value: (r) => r.name ?? r.id,
      render: (r) => <Link to={`/intel/object/${encodeURIComponent(r.id)}`}>{r.name ?? r.id}</Link>,
    },
    { key: 'type', header: 'Type', value: (r) => r.type, nowrap: true },
    { key: 'tlp', header: 'Marking', value: (r) => r.tlp, render: (r) => <TlpBadge tlp={r.tlp} /> },
    {
      key: 'pattern',
      header: 'Pattern',
      value: (r) => r.pattern ?? '',
      render: (r) => <code>{r.pattern ?? ''}</code>,
    },
    {
      key: 'state',
      header: 'State',
      value: (r) => (r.revoked ? 'revoked' : 'active'),
      render: (r) => (r.revoked ? <Badge tone="muted">revoked</Badge> : <Badge tone="info">active</Badge>),
    },
    {
      key: 'added',
      header: 'Added',
      value: (r) => r.dateAdded,
      render: (r) => formatDateTime(r.dateAdded),
      nowrap: true,
    },
  ];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ q, type });
  };
  return (
    <Page title="Threat intelligence" subtitle="STIX 2.1 objects shared with your organization, by TLP 2.0.">
      <Tabs current="/intel" />
      <form className="intel-search" onSubmit={submit} aria-label="Search intelligence">
        <label>
          Text
          <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="a domain, an IP, a name…" />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {[
              'indicator',
              'malware',
              'threat-actor',
              'campaign',
              'relationship',
              'sighting',
              'vulnerability',
              'identity',
              '',
            ].map((t) => (
              <option key={t} value={t}>
                {t || 'any'}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      {list.error && <ProblemBanner error={list.error} />}
      <DataTable
        label="Intelligence objects"
        rows={list.data?.items ?? []}
        columns={columns}
        rowKey={(r) => r.id}
        loading={list.loading}
      />
    </Page>
  );
}

function ObjectView({ id }: { id: string }) {
  const d = useLoad(() => api.get<Detail>(`/api/v1/intel/objects/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState<ApiError | null>(null);
  const revoke = async () => {
    try {
      await api.post(`/api/v1/intel/objects/${encodeURIComponent(id)}/revoke`, {});
      d.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const o = d.data?.object;
  return (
    <Page title={o ? String(o.name ?? o.id) : 'Intelligence object'} subtitle={id}>
      <Tabs current="" />
      {(d.error || error) && <ProblemBanner error={(d.error ?? error)!} />}
      {d.data && o && (
        <>
          <Panel title="Markings">
            <dl className="props">
              <div>
                <dt>Effective</dt>
                <dd>
                  <TlpBadge tlp={d.data.tlp} />
                </dd>
              </div>
              <div>
                <dt>On the object</dt>
                <dd>
                  {d.data.markings.length === 0 && 'none (AMBER by default)'}
                  {d.data.markings.map((m) => (
                    <span key={m.id} title={m.id}>
                      {m.tlp ? <TlpBadge tlp={m.tlp} /> : <code>{m.id}</code>}{' '}
                    </span>
                  ))}
                </dd>
              </div>
            </dl>
          </Panel>
          {d.data.lifecycle && (
            <Panel title="Life cycle">
              <p>
                Valid from {formatDateTime(d.data.lifecycle.validFrom)} until{' '}
                {formatDateTime(d.data.lifecycle.validUntil)}:{' '}
                {d.data.lifecycle.revoked ? (
                  <Badge tone="muted">revoked</Badge>
                ) : d.data.lifecycle.live ? (
                  <Badge tone="ok">matching</Badge>
                ) : (
                  <Badge tone="muted">expired</Badge>
                )}{' '}
                {!d.data.lifecycle.revoked && (
                  <button type="button" className="button" onClick={revoke}>
                    Revoke
                  </button>
                )}
              </p>
            </Panel>
          )}
          <Panel title="Versions">
            <ul aria-label="Versions">
              {d.data.versions.map((v) => (
                <li key={`${v.collection}${v.version}`}>
                  {v.version} (added {formatDateTime(v.dateAdded)})
                </li>
              ))}
            </ul>
          </Panel>
          <Panel title="Relationships">
            {d.data.relationships.length === 0 ? (
              <p>None you may see.</p>
            ) : (
              <ul aria-label="Relationships">
                {d.data.relationships.map((r) => {
                  const other = r.source_ref === id ? r.target_ref : (r.source_ref ?? r.sighting_of_ref);
                  return (
                    <li key={String(r.id)}>
                      {String(r.relationship_type ?? r.type)} →{' '}
                      <Link to={`/intel/object/${encodeURIComponent(String(other))}`}>{String(other)}</Link>
                    </li>
                  );
                })}
              </ul>
            )}
          </Panel>
          {(o.type === 'indicator' || o.type === 'sighting') && <IncidentLinks target={id} />}
          <Panel title="STIX">
            <pre className="intel-json">{JSON.stringify(o, null, 2)}</pre>
          </Panel>
        </>
      )}
    </Page>
  );
}

/** The incidents that link this indicator or sighting (those the reader may see), and a form to link one. */
function IncidentLinks({ target }: { target: string }) {
  const links = useLoad(() => api.get<ListOf<IncidentLink>>('/api/v1/intel/links', { target }), [target]);
  const [incident, setIncident] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const link = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/api/v1/intel/links', { incident: incident.trim(), target });
      setIncident('');
      links.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  const unlink = async (l: IncidentLink) => {
    setError(null);
    try {
      await api.del(`/api/v1/intel/links/${encodeURIComponent(l.id)}`);
      links.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <Panel title="Incidents">
      {(links.error || error) && <ProblemBanner error={(links.error ?? error)!} />}
      {links.data && links.data.items.length === 0 && <p>No incident you may see links it.</p>}
      {links.data && links.data.items.length > 0 && (
        <ul aria-label="Linked incidents">
          {links.data.items.map((l) => (
            <li key={l.id}>
              <Link to={`/incidents/${l.incident}`}>{l.incidentTitle ?? l.incident}</Link>
              {l.note ? ` — ${l.note}` : ''}{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => void unlink(l)}
                aria-label={`Remove the link to ${l.incidentTitle ?? l.incident}`}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="intel-link-form" onSubmit={link}>
        <label>
          Incident id{' '}
          <input
            value={incident}
            onChange={(e) => setIncident(e.target.value)}
            placeholder="incident id"
            required
          />
        </label>{' '}
        <button type="submit" className="button">
          Link to incident
        </button>
      </form>
    </Panel>
  );
}

/**
 * The indicators and sightings an incident links (for the incident's page). With the incident's
 * free-text indicators, a button checks them against the live indicators the reader may see
 * (POST /intel/match: hits are recorded as sightings, as in the match tester) and offers to link
 * each indicator hit to the incident.
 */
export function LinkedIntelligence({
  incident,
  indicatorsText,
}: {
  incident: string;
  indicatorsText?: string | null;
}) {
  const links = useLoad(() => api.get<ListOf<IncidentLink>>('/api/v1/intel/links', { incident }), [incident]);
  const [result, setResult] = useState<MatchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setError(null);
    setBusy(true);
    try {
      setResult(await api.post<MatchResult>('/api/v1/intel/match', { text: indicatorsText ?? '' }));
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const link = async (indicator: string, observable: string) => {
    setError(null);
    try {
      await api.post('/api/v1/intel/links', { incident, target: indicator, note: `matched ${observable}` });
      links.reload();
    } catch (err) {
      setError(asApiError(err));
    }
  };
  const linked = new Set((links.data?.items ?? []).map((l) => l.indicator ?? l.target));
  return (
    <>
      {(links.error || error) && <ProblemBanner error={(links.error ?? error)!} />}
      {links.data && links.data.items.length === 0 && <p>No linked indicators or sightings.</p>}
      {links.data && links.data.items.length > 0 && (
        <ul aria-label="Linked intelligence">
          {links.data.items.map((l) => (
            <li key={l.id}>
              <TlpBadge tlp={l.tlp} /> {l.kind}:{' '}
              <Link to={`/intel/object/${encodeURIComponent(l.indicator ?? l.target)}`}>
                {l.name ?? l.indicator ?? l.target}
              </Link>
              {l.count !== null
                ? ` (seen ${l.count}×${l.lastSeen ? `, last ${formatDateTime(l.lastSeen)}` : ''})`
                : ''}
              {l.note ? ` — ${l.note}` : ''}
            </li>
          ))}
        </ul>
      )}
      {indicatorsText?.trim() && (
        <p>
          <button type="button" className="button" disabled={busy} onClick={() => void check()}>
            Check the incident's indicators against intelligence
          </button>{' '}
          <span className="muted">Hits are recorded as sightings of your organization.</span>
        </p>
      )}
      {result && (
        <section aria-label="Indicator check">
          <p>
            {result.observables.length} observables found in the indicators; {result.hits.length}{' '}
            {result.hits.length === 1 ? 'matches a live indicator' : 'match live indicators'} you may see.
          </p>
          {result.hits.length > 0 && (
            <ul aria-label="Intelligence hits">
              {result.hits.map((h) => (
                <li key={`${h.indicator} ${h.observable.type} ${h.observable.value}`}>
                  {h.tlp && <TlpBadge tlp={h.tlp} />} <code>{h.observable.value}</code> →{' '}
                  <Link to={`/intel/object/${encodeURIComponent(h.indicator)}`}>{h.name ?? h.indicator}</Link>{' '}
                  {linked.has(h.indicator) ? (
                    <span className="muted">linked</span>
                  ) : (
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void link(h.indicator, h.observable.value)}
                      aria-label={`Link to this incident: ${h.name ?? h.indicator}`}
                    >
                      Link to this incident
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}

function MatchTester() {
  const [text, setText] = useState('');
  const [result, setResult] = useState<MatchResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setResult(await api.post<MatchResult>('/api/v1/intel/match', { text }));
    } catch (err) {
      setError(asApiError(err));
    }
  };
  return (
    <Page
      title="Match tester"
      subtitle="Paste a log excerpt: its observables are checked against every live indicator you may see (hits are recorded as sightings)."
    >
      <Tabs current="/intel/match" />
      <form className="intel-match" onSubmit={submit} aria-label="Match a log excerpt">
        <label>
          Log excerpt
          <textarea rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" className="button">
          Match
        </button>
      </form>
      {error && <ProblemBanner error={error} />}
      {result && (
        <>
          <Panel title={`Hits (${result.hits.length})`}>
            <DataTable
              label="Hits"
              rows={result.hits}
              rowKey={(h) => `${h.indicator}${h.observable.type}${h.observable.value}`}
              columns={[
                {
                  key: 'obs',
                  header: 'Observable',
                  value: (h) => `${h.observable.type}:${h.observable.value}`,
                },
                {
                  key: 'ind',
                  header: 'Indicator',
                  value: (h) => h.name ?? h.indicator,
                  render: (h) => (
                    <Link to={`/intel/object/${encodeURIComponent(h.indicator)}`}>
                      {h.name ?? h.indicator}
                    </Link>
                  ),
                },
                {
                  key: 'tlp',
                  header: 'Marking',
                  value: (h) => h.tlp ?? '',
                  render: (h) => <TlpBadge tlp={h.tlp} />,
                },
              ]}
              emptyMessage="No observable matches a live indicator you may see."
            />
          </Panel>
          <Panel title={`Observables extracted (${result.observables.length})`}>
            <ul aria-label="Observables">
              {result.observables.map((o) => (
                <li key={`${o.type}${o.value}`}>
                  {o.type}: <code>{o.value}</code>
                </li>
              ))}
            </ul>
          </Panel>
        </>
      )}
    </Page>
  );
}

function Collections() {
  const cols = useLoad(() => api.get<ListOf<Collection>>('/api/v1/intel/collections'), []);
  const feeds = useLoad(() => api.get<ListOf<Feed>>('/api/v1/intel/feeds'), []);
  const [feed, setFeed] = useState<string | null>(null);
  const log = useLoad(
    () =>
      feed ? api.get<ListOf<FeedLog>>(`/api/v1/intel/feeds/${feed}/log`) : Promise.resolve({ items: [] }),
    [feed],
  );
  return (
    <Page
      title="Collections and feeds"
      subtitle="TAXII 2.1 collections at /taxii2/default/ and the remote servers your organization syncs with."
    >
      <Tabs current="/intel/collections" />
      {(cols.error || feeds.error) && <ProblemBanner error={(cols.error ?? feeds.error)!} />}
      <DataTable
        label="Collections"
        rows={cols.data?.items ?? []}
        rowKey={(c) => c.id}
        columns={[
          { key: 'title', header: 'Collection', value: (c) => c.title },
          { key: 'id', header: 'TAXII id', value: (c) => c.id, render: (c) => <code>{c.id}</code> },
          { key: 'kind', header: 'Kind', value: (c) => (c.org ? 'organization' : 'community') },
          { key: 'rw', header: 'Access', value: (c) => (c.canWrite ? 'read, write' : 'read') },
        ]}
      />
      <DataTable
        label="Feeds"
        rows={feeds.data?.items ?? []}
        rowKey={(f) => f.id}
        onRowClick={(f) => setFeed(f.id)}
        selectedKey={feed}
        emptyMessage="No remote feeds: add one with POST /api/v1/intel/feeds."
        columns={[
          { key: 'name', header: 'Feed', value: (f) => f.name },
          { key: 'dir', header: 'Direction', value: (f) => f.direction },
          { key: 'remote', header: 'Remote', value: (f) => `${f.apiRoot} ${f.collection}` },
          {
            key: 'last',
            header: 'Last run',
            value: (f) => f.lastRun ?? '',
            render: (f) => formatDateTime(f.lastRun),
          },
          { key: 'result', header: 'Result', value: (f) => f.lastResult ?? '' },
        ]}
      />
      {feed && (
        <Panel title="Sync outcomes">
          <DataTable
            label="Sync outcomes"
            rows={log.data?.items ?? []}
            rowKey={(l) => String(l.seq)}
            columns={[
              { key: 'at', header: 'At', value: (l) => l.at, render: (l) => formatDateTime(l.at) },
              { key: 'object', header: 'Object', value: (l) => l.objectId ?? '' },
              { key: 'outcome', header: 'Outcome', value: (l) => l.outcome },
              { key: 'reason', header: 'Reason', value: (l) => l.reason ?? '' },
            ]}
          />
          <button type="button" className="button" onClick={() => navigate('/intel/collections')}>
            Close
          </button>
        </Panel>
      )}
    </Page>
  );
}
