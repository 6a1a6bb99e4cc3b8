// Turns a component's purl (and its own name and version) into OSV package identity. Invalid
// purls never throw: the caller keeps the component and records the returned warning.
import { PackageURL } from 'packageurl-js';
import { identityFromPurl, normalizePackageName, type PackageIdentity } from './ecosystems.ts';

export interface ResolvedPurl {
  purl?: string;
  version?: string;
  identity?: PackageIdentity;
  warnings: string[];
}

export function resolvePurl(
  raw: string | undefined,
  givenName: string,
  givenVersion: string | undefined,
): ResolvedPurl {
  const warnings: string[] = [];
  if (raw === undefined || raw.trim() === '') {
    return { version: givenVersion, warnings: ['no purl: the component cannot be matched to advisories'] };
  }
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(raw.trim());
  } catch (err) {
    warnings.push(
      `invalid purl ${JSON.stringify(raw)}: ${(err as Error).message}; the component cannot be matched`,
    );
    return { version: givenVersion, warnings };
  }
  let version = parsed.version ?? undefined;
  if (version === undefined && givenVersion) {
    // A purl without a version still identifies the package; the component's version counts.
    version = givenVersion;
    parsed = new PackageURL(
      parsed.type,
      parsed.namespace,
      parsed.name,
      version,
      parsed.qualifiers,
      parsed.subpath,
    );
  } else if (version !== undefined && givenVersion && givenVersion !== version) {
    warnings.push(
      `purl version ${JSON.stringify(version)} differs from the component version ${JSON.stringify(givenVersion)}; the purl's is used`,
    );
  }
  let purl: string;
  try {
    purl = parsed.toString();
  } catch {
    purl = raw.trim();
  }
  if (version === undefined) warnings.push('no version: the component cannot be matched to advisories');
  let identity = identityFromPurl(parsed);
  if (!identity) {
    warnings.push(`purl type "${parsed.type}" has no OSV ecosystem; the component cannot be matched`);
  } else if (
    identity.ecosystem === 'PyPI' &&
    normalizePackageName('PyPI', givenName) === identity.normalizedName
  ) {
    // packageurl-js normalizes PyPI names; keep the spelling the document gave.
    identity = { ...identity, name: givenName };
  }
  return { purl, version, identity, warnings };
}
