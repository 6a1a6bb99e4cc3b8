// Shows a problem answer of the server (title, detail and any field errors not shown beside a
// field) as an alert, so the user reads the server's own words.
import type { ApiError } from '../api.ts';

export function ProblemBanner({
  error,
  shownFields = [],
  onDismiss,
}: {
  error: ApiError | null | undefined;
  /** Fields whose errors the form already shows beside them. */
  shownFields?: readonly string[];
  onDismiss?: () => void;
}) {
  if (!error) return null;
  const rest = error.errors.filter(
    (e) => !shownFields.includes(e.pointer.replace(/^#[a-z]+/i, '').split('/')[1] ?? ''),
  );
  return (
    <div className="problem" role="alert" data-status={error.status}>
      <div className="problem-head">
        <strong className="problem-title">{error.title}</strong>
        {error.status > 0 && <span className="problem-status">HTTP {error.status}</span>}
        {onDismiss && (
          <button
            type="button"
            className="link-button problem-dismiss"
            onClick={onDismiss}
            aria-label="Dismiss"
          >
            ×
          </button>
        )}
      </div>
      {error.detail && <p className="problem-detail">{error.detail}</p>}
      {rest.length > 0 && (
        <ul className="problem-errors">
          {rest.map((e) => (
            <li key={e.pointer + e.detail}>
              <code>{e.pointer || '(request)'}</code> {e.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
