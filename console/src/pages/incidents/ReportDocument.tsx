// The printable statutory report document of one stage of one incident
// (/statutory-reports/<incident>/<stage>), from GET /api/v1/incidents/{id}/reports/{stage}/document:
// the regime and its source, the recipient, the incident's identifying fields, each required field
// with its filed value (or marked missing on a draft), the deadline and the ledger receipt. A Print
// button and the JSON download; report-document.css hides the console's frame when printing. A
// drill says so at the top, on screen and on paper.
import type { ReactNode } from 'react';
import { type ReportDocument, request } from '../../api.ts';
import { Page, Panel } from '../../components/Page.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../../hooks.ts';
import { Link, useLocation } from '../../router.tsx';
import './report-document.css';

const STATE_TEXT: Record<ReportDocument['state'], string> = {
  filed: 'Filed',
  draft: 'Draft: not filed yet',
  'not-owed': 'Not owed by this incident',
};

function documentPath(incidentId: string, stage: string): string {
  return `/api/v1/incidents/${encodeURIComponent(incidentId)}/reports/${encodeURIComponent(stage)}/document`;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

export function ReportDocumentPage() {
  const { pathname } = useLocation();
  const [incidentId = '', stage = ''] = pathname
    .replace(/^\/statutory-reports\/?/, '')
    .split('/')
    .map((p) => decodeURIComponent(p));
  const doc = useLoad(
    () => request<ReportDocument>('GET', documentPath(incidentId, stage)),
    [incidentId, stage],
  );
  const d = doc.data;
  if (!incidentId || !stage)
    return (
      <Page title="Statutory report">
        <p>Open a report from an incident's obligations.</p>
      </Page>
    );
  if (doc.error)
    return (
      <Page title="Statutory report">
        <ProblemBanner error={doc.error} />
      </Page>
    );
  if (!d)
    return (
      <Page title="Statutory report">
        <p className="muted">Loading…</p>
      </Page>
    );
  return (
    <Page
      title={`${d.exercise ? 'DRILL: ' : ''}${d.stage.title}`}
      subtitle={`${d.regime.title} (version ${d.regime.version}) · ${STATE_TEXT[d.state]}`}
      actions={
        <div className="report-document-actions">
          <Link to={`/incidents/${d.incident.id}`} className="button subtle">
            Back to the incident
          </Link>
          <a
            className="button subtle"
            href={documentPath(d.incident.id, d.stage.key)}
            download={`${d.incident.id}-${d.stage.key}${d.exercise ? '-exercise' : ''}.json`}
          >
            Download JSON
          </a>
          <button type="button" className="button" onClick={() => window.print()}>
            Print
          </button>
        </div>
      }
    >
      <article className="report-document" data-state={d.state} aria-label="Statutory report document">
        {d.exerciseNotice && (
          <p className="report-document-drill" role="note" data-testid="exercise-notice">
            {d.exerciseNotice}
          </p>
        )}
        {d.state !== 'filed' && (
          <p className="report-document-draft" role="note">
            {d.state === 'draft' && d.onRequest && !d.requestedAt
              ? 'Draft: owed on request, not requested yet; no deadline runs.'
              : d.state === 'draft'
                ? `Draft: not filed. Due ${d.dueLocal ?? formatDateTime(d.due)}${d.overdue ? ' (overdue)' : ''}.`
                : 'This incident does not owe this report at its grade and entity type.'}
          </p>
        )}
        <Panel title="Report">
          <dl className="report-document-facts">
            <Row label="Regime">
              {d.regime.title} ({d.regime.id}, version {d.regime.version})
            </Row>
            <Row label="Legal source">
              {d.regime.sources.map((s) => (
                <span key={s.url + s.title} className="report-document-source">
                  {s.title} <span className="muted">({s.url})</span>
                </span>
              ))}
            </Row>
            <Row label="Stage">
              {d.stage.title} <span className="muted">({d.stage.key})</span>
            </Row>
            <Row label="Filed by (side)">{d.stage.filer}</Row>
            <Row label="Recipient">
              {d.recipient.name ?? '—'} <span className="muted">({d.recipient.kind})</span>
            </Row>
            <Row label="Deadline">
              {d.dueLocal ?? formatDateTime(d.due)}
              {d.anchor && <span className="muted"> · {d.anchor}</span>}
            </Row>
            <Row label="Filed">{d.filedAt ? formatDateTime(d.filedAt) : 'not filed'}</Row>
            <Row label="Filer">{d.filedBy ? d.filedBy.name : '—'}</Row>
            <Row label="On time">{d.onTime === null ? '—' : d.onTime ? 'yes' : 'no (late)'}</Row>
            <Row label="Ledger receipt">
              {d.ledger ? (
                <a href={d.ledger.href}>
                  {d.ledger.kind} {d.ledger.id} v{d.ledger.version}
                </a>
              ) : (
                '—'
              )}
            </Row>
          </dl>
        </Panel>
        <Panel title="Incident">
          <dl className="report-document-facts">
            <Row label="Incident">
              {d.incident.title} <span className="muted">({d.incident.id})</span>
            </Row>
            <Row label="Exercise">{d.incident.exercise ? 'YES: a drill' : 'no'}</Row>
            <Row label="Organization">
              {d.incident.orgName} · {d.incident.region}
              {d.incident.sector ? ` · ${d.incident.sector}` : ''} · {d.incident.entityType}
            </Row>
            <Row label="Category">
              {d.incident.categoryLabel} <span className="muted">({d.incident.category})</span>
            </Row>
            <Row label="Grade">{d.incident.grade}</Row>
            <Row label="Aware at">{formatDateTime(d.incident.awareAt)}</Row>
            <Row label="Occurred at">{formatDateTime(d.incident.occurredAt)}</Row>
          </dl>
        </Panel>
        <Panel title="Required content">
          <table className="table report-document-fields" aria-label="Required content">
            <thead>
              <tr>
                <th>Field</th>
                <th>Value</th>
              </tr>
            </thead>
            <tbody>
              {d.fields.map((f) => (
                <tr key={f.key} data-field={f.key} data-missing={f.missing}>
                  <th scope="row">{f.key}</th>
                  <td>
                    {f.missing ? <strong className="report-document-missing">missing</strong> : f.value}
                  </td>
                </tr>
              ))}
              {d.extraFields.map((f) => (
                <tr key={f.key} data-field={f.key}>
                  <th scope="row">
                    {f.key} <span className="muted">(not required)</span>
                  </th>
                  <td>{f.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.stage.note && <p className="muted">{d.stage.note}</p>}
        </Panel>
        <p className="muted report-document-footer">
          Generated {formatDateTime(d.generatedAt)} · {d.format}
        </p>
      </article>
    </Page>
  );
}
