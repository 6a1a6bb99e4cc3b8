// Placeholder of the Assets section: the assets capability replaces this file with its page.
import { ComingSoon } from '../components/ComingSoon.tsx';

export function AssetsPage() {
  return (
    <ComingSoon title="Assets" capability="Critical assets and their software bills of materials">
      <p>
        Operators register their critical assets here and import SBOMs (CycloneDX, SPDX) to say which software
        each one runs.
      </p>
    </ComingSoon>
  );
}
