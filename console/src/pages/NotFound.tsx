// The page for a path no section owns.
import { Page, Panel } from '../components/Page.tsx';
import { Link } from '../router.tsx';
import { HOME } from '../routes.tsx';

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <Panel>
        <p>
          No console page has the address <code>{window.location.pathname}</code>.{' '}
          <Link to={HOME}>Go to the overview</Link>.
        </p>
      </Panel>
    </Page>
  );
}
