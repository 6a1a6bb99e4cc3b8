// Stand-in body for a capability whose console page is not written yet: says what the page will
// hold and where the capability's API lives, so the navigation is honest about what exists.
import type { ReactNode } from 'react';
import { Page, Panel } from './Page.tsx';

export function ComingSoon({
  title,
  capability,
  children,
}: {
  title: string;
  capability: string;
  children: ReactNode;
}) {
  return (
    <Page title={title} subtitle={capability}>
      <Panel className="coming-soon">
        <p>
          <strong>This capability's page is coming.</strong> It is being built as its own part of Bulwark and
          will replace this page.
        </p>
        {children}
        <p className="muted">
          The HTTP API reference is at <a href="/api/docs">/api/docs</a>.
        </p>
      </Panel>
    </Page>
  );
}
