// An incident's evidence files on its page: name, size, SHA-256 (the hash committed to the ledger)
// with the receipt link, a download link, and an upload control for those who act on the incident
// (the server decides; viewers and auditors are refused with 403 and see no control).
import { type FormEvent, useState } from 'react';
import { api, asApiError, type IncidentAttachment, type ListOf, request } from '../../api.ts';
import { Panel } from '../../components/Page.tsx';
import { ProblemBanner } from '../../components/ProblemBanner.tsx';
import { formatDateTime, useLoad } from '../../hooks.ts';
import { ATTACHMENT_MEDIA_TYPES, MAX_ATTACHMENT_BYTES } from '../../../../src/incidents/attachment-limits.ts';

/** The media types the server takes; others go as bytes. */
const MEDIA_TYPES = new Set(ATTACHMENT_MEDIA_TYPES);
/** The server's limit, checked here too so a person is told before sending. */
const MAX_BYTES = MAX_ATTACHMENT_BYTES;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function AttachmentsPanel({ incident, canAttach }: { incident: string; canAttach: boolean }) {
  const list = useLoad(
    () => api.get<ListOf<IncidentAttachment>>(`/api/v1/incidents/${incident}/attachments`),
    [incident],
  );
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setDone('');
    if (file.size > MAX_BYTES) {
      setError(new Error(`${file.name} is ${formatBytes(file.size)}; evidence files are at most 10 MiB.`));
      return;
    }
    setBusy(true);
    try {
      const a = await request<IncidentAttachment>('POST', `/api/v1/incidents/${incident}/attachments`, {
        query: { name: file.name },
        raw: { bytes: file, type: MEDIA_TYPES.has(file.type) ? file.type : 'application/octet-stream' },
      });
      setDone(`Attached ${a.name} (SHA-256 ${a.sha256.slice(0, 12)}…).`);
      setFile(null);
      (e.target as HTMLFormElement).reset();
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const items = list.data?.items ?? [];
  return (
    <Panel title="Evidence files">
      <ProblemBanner error={list.error} />
      {error ? <ProblemBanner error={asApiError(error)} /> : null}
      {list.data && items.length === 0 && <p className="muted">No evidence files yet.</p>}
      {items.length > 0 && (
        <table className="table" aria-label="Evidence files">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Size</th>
              <th scope="col">SHA-256</th>
              <th scope="col">Uploaded</th>
              <th scope="col">Ledger</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>
                  <a href={`/api/v1/incidents/${incident}/attachments/${a.id}`} download={a.name}>
                    {a.name}
                  </a>{' '}
                  <span className="muted">{a.mediaType}</span>
                </td>
                <td>{formatBytes(a.size)}</td>
                <td>
                  <code className="hash" title={a.sha256}>
                    {a.sha256}
                  </code>
                </td>
                <td>
                  {formatDateTime(a.uploadedAt)} by {a.uploadedBy.name}
                </td>
                <td>
                  <a href={a.receipt.href}>receipt</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canAttach && (
        <form className="form" aria-label="Attach an evidence file" onSubmit={upload}>
          <label className="field">
            Evidence file (at most 10 MiB){' '}
            <input
              type="file"
              aria-label="Evidence file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </label>
          <button type="submit" className="button" disabled={!file || busy}>
            {busy ? 'Attaching…' : 'Attach'}
          </button>
          {done && (
            <p role="status" className="muted">
              {done}
            </p>
          )}
        </form>
      )}
    </Panel>
  );
}
