// The registry of version orders by OSV ecosystem name, and the one-shot comparison.

import { apkOrder } from './apk.ts';
import { debian, ubuntu } from './dpkg.ts';
import { InvalidVersionError, UnknownEcosystemError } from './errors.ts';
import { maven } from './maven.ts';
import { pypi } from './pep440.ts';
import { rpmOrder, rpmvercmp } from './rpm.ts';
import { rubygems } from './rubygems.ts';
import { hasBlankOrControl, type Ordering, type VersionScheme } from './scheme.ts';
import { cratesSemver, goSemver, npmSemver, nugetSemver, semver } from './semver.ts';

/** A version order whose keys are opaque to callers. */
export type VersionOrder = VersionScheme<unknown>;

/**
 * No ecosystem publishes versions anywhere near this long (node-semver refuses more than 256
 * characters); the cap keeps hostile input from costing quadratic regex time or deep recursion.
 */
export const MAX_VERSION_LENGTH = 1024;

function capped<K>(scheme: VersionScheme<K>, max = MAX_VERSION_LENGTH): VersionOrder {
  const parse = (v: string): K => {
    if (v.length > max)
      throw new InvalidVersionError(scheme.name, `${v.slice(0, 40)}…`, `longer than ${max} characters`);
    return scheme.parse(v);
  };
  return { name: scheme.name, parse, compare: scheme.compare as VersionOrder['compare'] };
}

/**
 * Components named by a CPE (no purl) and CSAF products named by one: CPE versions follow no one
 * ecosystem, so they take a generic order — rpm's `rpmvercmp` on the whole string (runs of digits
 * compared as numbers, runs of letters as text, digits after letters; `~` sorts first), which the
 * `vers` specification's `generic` scheme also describes in outline.
 */
const cpeOrder: VersionScheme<string> = {
  name: 'CPE',
  parse: (v: string) => {
    if (v === '' || hasBlankOrControl(v))
      throw new InvalidVersionError('CPE', v, 'blank or control characters');
    return v;
  },
  compare: rpmvercmp,
};

const ORDERS: ReadonlyMap<string, VersionOrder> = new Map<string, VersionOrder>([
  ['SEMVER', capped(semver)],
  ['npm', capped(npmSemver, 256)],
  ['crates.io', capped(cratesSemver)],
  ['Go', capped(goSemver)],
  ['PyPI', capped(pypi)],
  ['Maven', capped(maven)],
  ['Debian', capped(debian)],
  ['Ubuntu', capped(ubuntu)],
  ['RubyGems', capped(rubygems)],
  ['NuGet', capped(nugetSemver)],
  ['Alpine', capped(apkOrder('Alpine'))],
  // OSV orders Wolfi and Chainguard packages as Alpine's.
  ['Wolfi', capped(apkOrder('Wolfi'))],
  ['Chainguard', capped(apkOrder('Chainguard'))],
  ['Red Hat', capped(rpmOrder('Red Hat'))],
  ['Rocky Linux', capped(rpmOrder('Rocky Linux'))],
  ['AlmaLinux', capped(rpmOrder('AlmaLinux'))],
  ['openSUSE', capped(rpmOrder('openSUSE'))],
  ['SUSE', capped(rpmOrder('SUSE'))],
  ['CPE', capped(cpeOrder)],
]);

/**
 * The version order of an OSV ecosystem name, or undefined when none is known. Suffixed names
 * (`Debian:12`, `Ubuntu:22.04:LTS`) use their base ecosystem's order.
 */
export function findVersionOrder(ecosystem: string): VersionOrder | undefined {
  const direct = ORDERS.get(ecosystem);
  if (direct) return direct;
  const colon = ecosystem.indexOf(':');
  return colon > 0 ? ORDERS.get(ecosystem.slice(0, colon)) : undefined;
}

/** Like findVersionOrder, but throws UnknownEcosystemError. */
export function versionOrder(ecosystem: string): VersionOrder {
  const order = findVersionOrder(ecosystem);
  if (!order) throw new UnknownEcosystemError(ecosystem);
  return order;
}

/** Parses a version once; compare keys of the same ecosystem with `versionOrder(e).compare`. */
export function versionKey(ecosystem: string, version: string): unknown {
  return versionOrder(ecosystem).parse(version);
}

export function compareVersions(ecosystem: string, a: string, b: string): Ordering {
  const order = versionOrder(ecosystem);
  return order.compare(order.parse(a), order.parse(b));
}

/** Ecosystem names with a known order (base names; suffixed forms like `Debian:12` work too). */
export function knownEcosystems(): string[] {
  return [...ORDERS.keys()];
}
