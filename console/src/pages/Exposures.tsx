// Placeholder of the Exposures section: the exposures capability replaces this file with its page.
import { ComingSoon } from '../components/ComingSoon.tsx';

export function ExposuresPage() {
  return (
    <ComingSoon title="Exposures" capability="Assets running an affected version of an advisory">
      <p>
        Every asset that runs a version named by an advisory appears here the moment the advisory or the SBOM
        arrives, with known-exploited flags from CISA KEV.
      </p>
    </ComingSoon>
  );
}
