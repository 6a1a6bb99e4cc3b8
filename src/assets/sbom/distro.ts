// Distribution packages that name no release. OSV keys Debian and Ubuntu advisories by release
// ("Debian:12", "Ubuntu:22.04:LTS"), so a `pkg:deb/debian/openssl@3.0.11-1` without a `distro`
// qualifier would match nothing. When the SBOM itself declares the release — an operating-system
// component (CycloneDX type, SPDX primaryPackagePurpose) such as debian 12.5, else the one release
// its other packages of that distribution name — those packages take it, and a warning says what
// was assumed and from where. Without one, a warning says they cannot be matched. Pure.

import { distroReleaseEcosystem } from '../../formats/index.ts';
import type { SbomComponent, SbomSubject, SbomWarning } from './types.ts';

const DISTROS = ['Debian', 'Ubuntu'] as const;

function declaredByOperatingSystem(
  distro: string,
  components: readonly SbomComponent[],
  subject: SbomSubject | undefined,
): { ecosystem: string; from: string } | undefined {
  const candidates: { type?: string; name: string; version?: string }[] = [...components];
  if (subject) candidates.unshift(subject);
  for (const c of candidates) {
    if (c.type?.toLowerCase() !== 'operating-system' || c.version === undefined) continue;
    const ecosystem = distroReleaseEcosystem(c.name, c.version);
    if (ecosystem?.startsWith(`${distro}:`))
      return { ecosystem, from: `the operating-system component ${c.name} ${c.version}` };
  }
  return undefined;
}

/** Gives release-less Debian/Ubuntu components the release the SBOM declares; returns the warnings to add. */
export function assumeDistroReleases(
  components: SbomComponent[],
  subject: SbomSubject | undefined,
): SbomWarning[] {
  const warnings: SbomWarning[] = [];
  for (const distro of DISTROS) {
    const bare = components.filter((c) => c.ecosystem === distro);
    if (bare.length === 0) continue;
    let declared = declaredByOperatingSystem(distro, components, subject);
    if (!declared) {
      const releases = new Set(
        components.map((c) => c.ecosystem).filter((e) => e?.startsWith(`${distro}:`)) as string[],
      );
      if (releases.size === 1) {
        const [only] = releases;
        declared = { ecosystem: only!, from: `the other ${distro} packages of this SBOM` };
      }
    }
    const what = `${bare.length} ${distro} package${bare.length === 1 ? '' : 's'} without a distro qualifier`;
    if (!declared) {
      warnings.push({
        pointer: '',
        message: `${what}: no ${distro} release is declared (an operating-system component, or distro= on the purls), so they match no ${distro} advisory`,
      });
      continue;
    }
    for (const c of bare) c.ecosystem = declared.ecosystem;
    warnings.push({
      pointer: '',
      message: `${what}: assumed ${declared.ecosystem}, the release declared by ${declared.from}`,
    });
  }
  return warnings;
}
