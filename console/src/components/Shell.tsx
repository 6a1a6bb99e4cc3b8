// The signed-in frame: header (product, organization, user, sign out), the left navigation of
// sections, and the page of the current path.
import { Link } from '../router.tsx';
import { inSection } from '../router.tsx';
import { SECTIONS } from '../routes.tsx';
import { useSession } from '../session.tsx';
import { NotFoundPage } from '../pages/NotFound.tsx';
import { NotificationBell } from './NotificationBell.tsx';

export function Shell({ pathname }: { pathname: string }) {
  const { session, signOut } = useSession();
  const section = SECTIONS.find((s) => inSection(pathname, s.path));
  const PageComponent = section?.page ?? NotFoundPage;
  const listed = SECTIONS.filter((s) => s.shownTo?.(session) ?? true);
  const groups = [...new Set(listed.map((s) => s.group))];
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Bulwark <span className="brand-sub">Cyber Security Coordination</span>
        </Link>
        <div className="topbar-org" title={session.org.kind}>
          <span className="muted">Organization</span>{' '}
          <strong data-testid="session-org">{session.org.name}</strong>
        </div>
        <div className="topbar-user">
          <span data-testid="session-user">{session.user.name}</span>{' '}
          <span className="muted">
            ({session.user.username} · {session.user.roles.join(', ')})
          </span>
        </div>
        <NotificationBell />
        <button type="button" className="button subtle" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="sidenav" aria-label="Sections">
        {groups.map((g) => (
          <div key={g} className="nav-group">
            <div className="nav-group-title">{g}</div>
            <ul>
              {listed
                .filter((s) => s.group === g)
                .map((s) => (
                  <li key={s.path}>
                    <Link to={s.path} aria-current={section === s ? 'page' : undefined}>
                      {s.label}
                    </Link>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>
      <main className="content">
        <PageComponent key={section?.path ?? 'none'} />
      </main>
    </div>
  );
}
