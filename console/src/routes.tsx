// The console's sections: one entry per page, in navigation order. A capability adds its page by
// adding a line here (or replacing its placeholder file in pages/). A section owns its path and
// every path below it ('/assets/…'), where its page reads the rest with useLocation().
import type { ComponentType } from 'react';
import type { SessionInfo } from './api.ts';
import { AdvisoriesPage } from './pages/Advisories.tsx';
import { AssetsPage } from './pages/Assets.tsx';
import { ExposuresPage } from './pages/Exposures.tsx';
import { IncidentsPage } from './pages/Incidents.tsx';
import { ReportDocumentPage } from './pages/incidents/ReportDocument.tsx';
import { IntelPage } from './pages/Intel.tsx';
import { LedgerPage } from './pages/Ledger.tsx';
import { OrganizationsPage } from './pages/Organizations.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { PublicReportsPage } from './pages/public/PublicReports.tsx';
import { TokensPage } from './pages/Tokens.tsx';
import { UsersPage } from './pages/Users.tsx';

export interface Section {
  path: string;
  label: string;
  group: 'Administration' | 'Security';
  page: ComponentType;
  /**
   * Whether the navigation lists the section for this session (default: always). Only a hint that
   * spares a person a page that would refuse them: the server decides every request.
   */
  shownTo?: (session: SessionInfo) => boolean;
}

export const SECTIONS: readonly Section[] = [
  { path: '/overview', label: 'Overview', group: 'Security', page: OverviewPage },
  { path: '/organizations', label: 'Organizations', group: 'Administration', page: OrganizationsPage },
  { path: '/users', label: 'Users', group: 'Administration', page: UsersPage },
  { path: '/tokens', label: 'API tokens', group: 'Administration', page: TokensPage },
  { path: '/ledger', label: 'Ledger', group: 'Security', page: LedgerPage },
  { path: '/assets', label: 'Assets', group: 'Security', page: AssetsPage },
  { path: '/exposures', label: 'Exposures', group: 'Security', page: ExposuresPage },
  { path: '/incidents', label: 'Incidents', group: 'Security', page: IncidentsPage },
  { path: '/advisories', label: 'Advisories', group: 'Security', page: AdvisoriesPage },
  { path: '/intel', label: 'Threat intelligence', group: 'Security', page: IntelPage },
  {
    path: '/public-reports',
    label: 'Public reports',
    group: 'Security',
    page: PublicReportsPage,
    // The public's reports are triaged by the coordination centre only (src/public: assertStaff).
    shownTo: (s) => s.org.kind === 'coordination-centre',
  },
  {
    // The printable statutory report of one stage (/statutory-reports/<incident>/<stage>), opened
    // from an incident's obligations: no entry in the navigation.
    path: '/statutory-reports',
    label: 'Statutory report',
    group: 'Security',
    page: ReportDocumentPage,
    shownTo: () => false,
  },
];

export const HOME = '/overview';
