// Package identity in OSV's terms: which OSV ecosystem a purl type belongs to, how OSV spells
// the package name in that ecosystem, and the normalized name the exposure index keys on.
// Shared by the SBOM converters (purl -> identity) and the OSV converter (name -> key).
import type { PackageURL } from 'packageurl-js';

export interface PackageIdentity {
  /** OSV ecosystem, e.g. "Go", "PyPI", "Debian:12". */
  ecosystem: string;
  /** The package name as OSV spells it in that ecosystem (Maven group:artifact, npm @scope/name). */
  name: string;
  /** The key for matching: equal for names the ecosystem treats as the same package. */
  normalizedName: string;
}

// purl types (https://github.com/package-url/purl-spec) to OSV ecosystems
// (https://ossf.github.io/osv-schema/#affectedpackage-field). deb, apk and rpm depend on the
// namespace (the distribution) and are handled in distroEcosystem.
const PURL_TYPE_TO_ECOSYSTEM: Record<string, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  hex: 'Hex',
  pub: 'Pub',
  hackage: 'Hackage',
  cran: 'CRAN',
  swift: 'SwiftURL',
  conan: 'ConanCenter',
  bitnami: 'Bitnami',
  github: 'GitHub Actions',
};

const DEBIAN_CODENAMES: Record<string, string> = {
  hamm: '2',
  slink: '2.1',
  potato: '2.2',
  woody: '3.0',
  sarge: '3.1',
  etch: '4.0',
  lenny: '5.0',
  squeeze: '6',
  wheezy: '7',
  jessie: '8',
  stretch: '9',
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
};

/** OSV ecosystems whose base name matches case-insensitively ("pypi" from a careless feed). */
const CANONICAL_ECOSYSTEMS = [
  'npm',
  'PyPI',
  'Go',
  'Maven',
  'crates.io',
  'RubyGems',
  'NuGet',
  'Packagist',
  'Hex',
  'Pub',
  'Hackage',
  'CRAN',
  'SwiftURL',
  'ConanCenter',
  'Bitnami',
  'GitHub Actions',
  'Debian',
  'Ubuntu',
  'Alpine',
  'Red Hat',
  'Rocky Linux',
  'AlmaLinux',
  'openSUSE',
  'SUSE',
];

/** The OSV package identity of a parsed purl, or undefined when the type has no OSV ecosystem. */
export function identityFromPurl(purl: PackageURL): PackageIdentity | undefined {
  const type = purl.type.toLowerCase();
  const ns = purl.namespace ?? undefined;
  let ecosystem: string | undefined = PURL_TYPE_TO_ECOSYSTEM[type];
  if (type === 'deb' || type === 'apk' || type === 'rpm')
    ecosystem = distroEcosystem(type, ns, purl.qualifiers);
  if (!ecosystem) return undefined;
  let name: string;
  switch (type) {
    case 'maven':
      name = ns ? `${ns}:${purl.name}` : purl.name;
      break;
    case 'deb':
    case 'apk':
    case 'rpm':
      // The namespace is the distribution, not part of the package name.
      name = purl.name;
      break;
    default:
      // npm "@scope/name", Go "github.com/org/module", Packagist "vendor/name", GitHub "owner/repo".
      name = ns ? `${ns}/${purl.name}` : purl.name;
  }
  return { ecosystem, name, normalizedName: normalizePackageName(ecosystem, name) };
}

function distroEcosystem(
  type: string,
  namespace: string | undefined,
  qualifiers: Record<string, string> | undefined | null,
): string | undefined {
  const distro = (namespace ?? '').toLowerCase();
  const release = qualifiers?.['distro']?.toLowerCase();
  if (type === 'deb' && distro === 'debian') {
    const v = debianRelease(release);
    return v ? `Debian:${v}` : 'Debian';
  }
  if (type === 'deb' && distro === 'ubuntu') {
    const m = release?.match(/^(?:ubuntu-)?(\d+\.\d+)/);
    return m ? `Ubuntu:${m[1]}` : 'Ubuntu';
  }
  if (type === 'apk' && distro === 'alpine') {
    const m = release?.match(/^(?:alpine-)?v?(\d+\.\d+)/);
    return m ? `Alpine:v${m[1]}` : 'Alpine';
  }
  if (type === 'rpm') {
    if (distro === 'redhat') return 'Red Hat';
    if (distro === 'rocky-linux' || distro === 'rocky') return 'Rocky Linux';
    if (distro === 'almalinux') return 'AlmaLinux';
    if (distro === 'opensuse') return 'openSUSE';
    if (distro === 'suse') return 'SUSE';
  }
  return undefined;
}

// "debian-12", "debian-12.5", "12", "bookworm", "debian-bookworm" -> "12". OSV keys Debian
// releases by major version only.
function debianRelease(release: string | undefined): string | undefined {
  if (!release) return undefined;
  const bare = release.replace(/^debian-/, '');
  const num = bare.match(/^(\d+)(?:\.\d+)*$/);
  if (num) return num[1];
  return DEBIAN_CODENAMES[bare];
}

/**
 * The OSV ecosystem of a distribution release an SBOM declares (an operating-system component):
 * ("debian", "12.5") -> "Debian:12", ("debian", "bookworm") -> "Debian:12", ("ubuntu", "22.04.3")
 * -> "Ubuntu:22.04"; undefined for anything else.
 */
export function distroReleaseEcosystem(distro: string, release: string): string | undefined {
  const d = distro.trim().toLowerCase();
  const r = release.trim().toLowerCase();
  if (d === 'debian') {
    const v = debianRelease(r);
    return v ? `Debian:${v}` : undefined;
  }
  if (d === 'ubuntu') {
    const m = r.match(/^(?:ubuntu-)?(\d+\.\d+)/);
    return m ? `Ubuntu:${m[1]}` : undefined;
  }
  return undefined;
}

/**
 * The ecosystem the exposure index matches by. Ubuntu's advisories name the release with its
 * support channel — "Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS", "Ubuntu:Pro:FIPS-updates:22.04:LTS"
 * — while a component names only its release ("Ubuntu:22.04", from distro=ubuntu-22.04): they all
 * match the release itself, and the advisory's ranges decide (Pro fixes are ESM versions). Every
 * other ecosystem matches as it is spelled.
 */
export function matchingEcosystem(ecosystem: string): string {
  if (!ecosystem.startsWith('Ubuntu:')) return ecosystem;
  const release = ecosystem.split(':').find((p) => /^\d+\.\d+$/.test(p));
  return release ? `Ubuntu:${release}` : ecosystem;
}

/** The canonical spelling of an OSV ecosystem ("pypi" -> "PyPI", "debian:12" -> "Debian:12"). */
export function canonicalEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  const base = colon < 0 ? ecosystem : ecosystem.slice(0, colon);
  const known = CANONICAL_ECOSYSTEMS.find((e) => e.toLowerCase() === base.toLowerCase());
  if (!known) return ecosystem;
  return colon < 0 ? known : known + ecosystem.slice(colon);
}

/**
 * The name the exposure index keys on. PyPI: PEP 503 (lowercase, runs of -_. to one -).
 * NuGet and Packagist names are case-insensitive. Everything else compares exactly, as OSV does.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const base = ecosystem.split(':', 1)[0];
  switch (base) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
