// The statutory regimes as data (/incidents/regimes): every regime's newest version, and for one
// regime (/incidents/regimes/<id>) the list of its versions with any version's stages, grading
// checklist and JSON definition. The coordination centre's administrators upload a JSON definition
// as the next version (or a new regime); the server validates it and answers 422 with the path of
// each problem, which the banner shows. Incidents keep the version they were opened under.
import { type FormEvent, useState } from 'react';
import {
  api,
  asApiError,
  type IncidentRegimeDetail,
  type IncidentRegimeVersion,
  type ListOf,
  request,
} from '../../api.ts';
import { Page, Panel } from '../../components/Page.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../../hooks.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { hasRole, useSession } from '../../session.tsx';

type Definition = IncidentRegimeVersion['definition'];

function delayText(d: Record<string, number | undefined>): string {
  const names: [string, string][] = [
    ['months', 'month'],
    ['days', 'day'],
    ['workingDays', 'working day'],
    ['hours', 'hour'],
    ['minutes', 'minute'],
  ];
  return (
    names
      .filter(([k]) => d[k])
      .map(([k, one]) => `${d[k]} ${one}${d[k] === 1 ? '' : 's'}`)
      .join(' ') || '—'
  );
}

function useCentreAdmin(): boolean {
  const { session } = useSession();
  return session.org.kind === 'coordination-centre' && hasRole(session, 'admin');
}

/** Reads a chosen JSON file and sends it (POST for a new regime, PUT for the next version). */
function UploadDefinition({
  regime,
  onStored,
}: {
  regime?: string;
  onStored: (v: IncidentRegimeVersion) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setBusy(true);
    try {
      let body: unknown;
      try {
        body = JSON.parse(await file.text());
      } catch (err) {
        throw new Error(`${file.name} is not JSON: ${(err as Error).message}`);
      }
      const v = regime
        ? await request<IncidentRegimeVersion>(
            'PUT',
            `/api/v1/incidents/regimes/${encodeURIComponent(regime)}`,
            {
              body,
            },
          )
        : await request<IncidentRegimeVersion>('POST', '/api/v1/incidents/regimes', { body });
      onStored(v);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const label = regime ? `New version of ${regime} (JSON)` : 'New regime (JSON)';
  return (
    <form className="form" aria-label={regime ? 'Upload a new version' : 'Add a regime'} onSubmit={send}>
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      <label className="field">
        {label}{' '}
        <input
          type="file"
          accept="application/json,.json"
          aria-label={label}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" className="button primary" disabled={!file || busy}>
        {regime ? 'Store as next version' : 'Add regime'}
      </button>
    </form>
  );
}

export function RegimesPage() {
  const { pathname } = useLocation();
  const id = decodeURIComponent(pathname.replace(/^\/incidents\/regimes\/?/, ''));
  return id ? <RegimeDetail id={id} /> : <RegimeList />;
}

function RegimeList() {
  const list = useLoad(() => api.get<ListOf<IncidentRegimeVersion>>('/api/v1/incidents/regimes'), []);
  const admin = useCentreAdmin();
  return (
    <Page
      title="Reporting regimes"
      subtitle="Statutory deadlines as data: each edit is a new version in the ledger; an incident keeps the version it was opened under."
    >
      <ProblemBanner error={list.error} />
      <Panel title="Regimes">
        <table className="table" aria-label="Regimes">
          <thead>
            <tr>
              <th scope="col">Regime</th>
              <th scope="col">Title</th>
              <th scope="col">Version</th>
              <th scope="col">Stages</th>
              <th scope="col">Stored</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((r) => (
              <tr key={r.id}>
                <td>
                  <Link to={`/incidents/regimes/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                </td>
                <td>{r.definition.title}</td>
                <td>{r.version}</td>
                <td>{r.definition.stages.length}</td>
                <td>
                  {formatDateTime(r.createdAt)} by {r.createdBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      {admin && (
        <Panel title="Add a regime">
          <UploadDefinition onStored={(v) => navigate(`/incidents/regimes/${encodeURIComponent(v.id)}`)} />
        </Panel>
      )}
    </Page>
  );
}

function RegimeDetail({ id }: { id: string }) {
  const [version, setVersion] = useState<number | undefined>(undefined);
  const detail = useLoad(
    () =>
      api.get<IncidentRegimeDetail>(`/api/v1/incidents/regimes/${encodeURIComponent(id)}`, {
        version: version === undefined ? undefined : String(version),
      }),
    [id, version],
  );
  const admin = useCentreAdmin();
  const d = detail.data;
  return (
    <Page
      title={d ? d.current.definition.title : id}
      subtitle={d ? `${d.current.id} · version ${d.current.version} of ${d.versions.length}` : undefined}
      actions={
        <nav className="page-actions" aria-label="Regime views">
          <Link to="/incidents/regimes" className="button">
            All regimes
          </Link>
        </nav>
      }
    >
      <ProblemBanner error={detail.error} />
      {d && (
        <>
          <Panel title="Versions">
            <ol className="plain-list" aria-label="Versions">
              {d.versions.map((v) => (
                <li key={v.version}>
                  {v.version === d.current.version ? (
                    <strong aria-current="true">version {v.version}</strong>
                  ) : (
                    <button type="button" className="link-button" onClick={() => setVersion(v.version)}>
                      version {v.version}
                    </button>
                  )}{' '}
                  — {formatDateTime(v.createdAt)} by {v.createdBy}
                </li>
              ))}
            </ol>
            <p>
              <a href={d.current.receipt.href}>Ledger receipt of version {d.current.version}</a>
            </p>
          </Panel>
          <Definition definition={d.current.definition} />
          <Panel title="Definition (JSON)">
            <details>
              <summary>Show the JSON of version {d.current.version}</summary>
              <pre className="json" data-testid="regime-json">
                {JSON.stringify(d.current.definition, null, 2)}
              </pre>
            </details>
          </Panel>
          {admin && (
            <Panel title="Edit">
              <p className="muted">
                Upload the whole definition (as shown above, edited). It is validated and stored as the next
                version; incidents already filed keep theirs.
              </p>
              <UploadDefinition
                regime={d.current.id}
                onStored={() => {
                  setVersion(undefined);
                  detail.reload();
                }}
              />
            </Panel>
          )}
        </>
      )}
    </Page>
  );
}

function Definition({ definition }: { definition: Definition }) {
  return (
    <>
      <Panel title="Stages">
        <p className="muted">Entity types: {definition.entities.join(', ')}</p>
        <table className="table" aria-label="Stages">
          <thead>
            <tr>
              <th scope="col">Stage</th>
              <th scope="col">Due</th>
              <th scope="col">Recipient</th>
              <th scope="col">Filed by</th>
              <th scope="col">Owed by</th>
              <th scope="col">Content</th>
            </tr>
          </thead>
          <tbody>
            {definition.stages.map((s) => (
              <tr key={s.key}>
                <td>
                  <strong>{s.key}</strong> — {s.title}
                </td>
                <td>
                  {delayText(s.delay)} after{' '}
                  {'stage' in s.anchor ? `the ${s.anchor.stage} report` : s.anchor.event}
                </td>
                <td>{s.recipient}</td>
                <td>{s.filer}</td>
                <td>
                  {(s.grades ?? ['every grade']).join(', ')}
                  {s.entities ? ` · ${s.entities.join(', ')}` : ''}
                </td>
                <td>{s.content.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul className="plain-list" aria-label="Sources">
          {definition.sources.map((s) => (
            <li key={s.url + s.title}>
              <a href={s.url} rel="noopener noreferrer">
                {s.title}
              </a>
            </li>
          ))}
        </ul>
      </Panel>
      <Panel title="Grading checklist">
        {definition.grading ? (
          <table className="table" aria-label="Grading checklist">
            <thead>
              <tr>
                <th scope="col">Criterion</th>
                <th scope="col">Relatively major</th>
                <th scope="col">Major</th>
                <th scope="col">Particularly major</th>
              </tr>
            </thead>
            <tbody>
              {definition.grading.criteria.map((c) => (
                <tr key={c.figure}>
                  <td>
                    {c.label}{' '}
                    <span className="muted">
                      ({c.figure}, {c.unit})
                    </span>
                  </td>
                  <td>{c.thresholds['relatively-major'] ?? '—'}</td>
                  <td>{c.thresholds.major ?? '—'}</td>
                  <td>{c.thresholds['particularly-major'] ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No grading checklist: the grade is judged.</p>
        )}
      </Panel>
    </>
  );
}
