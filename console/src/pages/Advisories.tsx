// Placeholder of the Advisories section: the advisories capability replaces this file with its page.
import { ComingSoon } from '../components/ComingSoon.tsx';

export function AdvisoriesPage() {
  return (
    <ComingSoon title="Advisories" capability="Vulnerability advisories (OSV, CSAF) enriched with CISA KEV">
      <p>
        Advisories imported in OSV (and later CSAF), with their affected packages and version ranges and
        whether they are known to be exploited.
      </p>
    </ComingSoon>
  );
}
