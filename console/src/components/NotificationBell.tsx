// The bell in the top bar: the caller's unread notifications (polled), and a panel with the latest
// ones, each linking to what it is about, and "mark all read". A disclosure: the button says
// whether the panel is open; Escape closes it and gives focus back to the button.
import { useCallback, useEffect, useRef, useState } from 'react';
import { type Marked, type Notification, type NotificationList, request, type UnreadCount } from '../api.ts';
import { Link } from '../router.tsx';
import './NotificationBell.css';

const POLL_MS = 30_000;

export function NotificationBell() {
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);

  const refreshCount = useCallback(async () => {
    try {
      setUnread((await request<UnreadCount>('GET', '/api/v1/notifications/unread-count')).unread);
    } catch {
      // The count is a hint; the next poll tries again.
    }
  }, []);

  useEffect(() => {
    void refreshCount();
    const t = setInterval(() => void refreshCount(), POLL_MS);
    return () => clearInterval(t);
  }, [refreshCount]);

  const load = useCallback(async () => {
    try {
      const r = await request<NotificationList>('GET', '/api/v1/notifications', {
        query: { limit: '15' },
      });
      setItems(r.items);
      setUnread(r.unread);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not load notifications.');
    }
  }, []);

  const toggle = () => {
    const next = !open;
    setOpen(next);
    if (next) void load();
  };

  // Escape anywhere closes the open panel.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);

  const markAll = async () => {
    const r = await request<Marked>('POST', '/api/v1/notifications/read', { body: {} });
    setUnread(r.unread);
    await load();
  };

  return (
    <div className="bell">
      <button
        ref={button}
        type="button"
        className="button subtle bell-button"
        aria-expanded={open}
        aria-controls="notification-panel"
        data-testid="notification-bell"
        onClick={toggle}
      >
        <svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="currentColor">
          <path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        <span className="visually-hidden">Notifications</span>
        {unread > 0 && (
          <span className="bell-count" data-testid="notification-count">
            {unread > 99 ? '99+' : unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </button>
      {open && (
        <section id="notification-panel" className="bell-panel" aria-label="Notifications">
          <div className="bell-panel-head">
            <h2>Notifications</h2>
            <button
              type="button"
              className="button small"
              onClick={() => void markAll()}
              disabled={unread === 0}
            >
              Mark all read
            </button>
          </div>
          {error && <p role="alert">{error}</p>}
          {items === null && !error && <p className="muted">Loading…</p>}
          {items?.length === 0 && <p className="muted">Nothing yet.</p>}
          {items && items.length > 0 && (
            <ul className="bell-list">
              {items.map((n) => (
                <li key={n.id} className={n.read ? 'read' : 'unread'} data-testid="notification">
                  {n.link ? (
                    <Link to={n.link} onClick={() => setOpen(false)}>
                      {n.title}
                    </Link>
                  ) : (
                    <span>{n.title}</span>
                  )}
                  {n.body && <div className="bell-body">{n.body}</div>}
                  <div className="muted bell-meta">
                    {!n.read && <strong>New · </strong>}
                    {n.topic} · {new Date(n.createdAt).toLocaleString()}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
