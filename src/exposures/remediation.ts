// Remediation advice, pure: for one vulnerable component (a package at a version), the lowest
// version in its ecosystem's order (src/formats/versions) that none of its open advisories
// affects. Candidates are the versions the advisories name as fixes (`fixed` events) and the
// versions they list; each candidate above the current version is checked against every
// advisory's compiled ranges, so a fix on another branch (1.3.1 fixes 1.3.x, 1.2.9 fixes 1.2.x)
// or a second advisory that also covers the candidate are judged exactly as matching would.
// When no candidate clears them all, the best partial upgrade (the lowest version that clears
// the most) is offered and the advisories that no known version clears are named.
import { type AffectedMatcher, findVersionOrder, type VersionOrder } from '../formats/versions/index.ts';
import type { TableInput } from './interval-table.ts';

/** One open advisory of the component: its compiled ranges for the component's package. */
export interface OpenAdvisory {
  id: string;
  entries: { matcher: AffectedMatcher; input: TableInput }[];
}

export interface UpgradePlan {
  /** The lowest version that clears every open advisory, or null when no known version does. */
  fixedIn: string | null;
  /** Advisories cleared by `fixedIn` (all of them), or by `partial` when there is no full fix. */
  clears: string[];
  /** When no full fix exists: the lowest version that clears the most advisories. */
  partial: { version: string; clears: string[] } | null;
  /** Advisories no known version clears (no `fixed` event above the current version). */
  unfixed: string[];
}

function keyOf(order: VersionOrder, v: string): unknown {
  try {
    return order.parse(v);
  } catch {
    return undefined;
  }
}

/** Go module versions carry a `v` the Go database's SEMVER events leave out. */
function spelled(ecosystem: string, current: string, candidate: string): string {
  if (ecosystem === 'Go' && current.startsWith('v') && !candidate.startsWith('v')) return `v${candidate}`;
  return candidate;
}

export function planUpgrade(ecosystem: string, version: string, advisories: OpenAdvisory[]): UpgradePlan {
  const ids = advisories.map((a) => a.id);
  const none: UpgradePlan = { fixedIn: null, clears: [], partial: null, unfixed: ids };
  const order = findVersionOrder(ecosystem);
  if (!order || advisories.length === 0) return none;
  const current = keyOf(order, version);
  if (current === undefined) return none;
  const seen = new Set<string>();
  const candidates: { version: string; key: unknown }[] = [];
  for (const a of advisories)
    for (const e of a.entries) {
      const names = [
        ...e.input.ranges.flatMap((r) => r.events.filter((x) => x.kind === 'fixed').map((x) => x.version)),
        ...e.input.versions,
      ];
      for (const v of names) {
        if (seen.has(v)) continue;
        seen.add(v);
        const key = keyOf(order, v);
        if (key !== undefined && order.compare(key, current) > 0) candidates.push({ version: v, key });
      }
    }
  candidates.sort((a, b) => order.compare(a.key, b.key));
  const affects = (a: OpenAdvisory, v: string) => a.entries.some((e) => e.matcher.isAffected(v));
  let best: { version: string; clears: string[] } | null = null;
  const everCleared = new Set<string>();
  for (const c of candidates) {
    const clears = advisories.filter((a) => !affects(a, c.version)).map((a) => a.id);
    for (const id of clears) everCleared.add(id);
    if (clears.length === advisories.length)
      return { fixedIn: spelled(ecosystem, version, c.version), clears, partial: null, unfixed: [] };
    if (clears.length > 0 && (!best || clears.length > best.clears.length))
      best = { version: spelled(ecosystem, version, c.version), clears };
  }
  return {
    fixedIn: null,
    clears: best?.clears ?? [],
    partial: best,
    unfixed: ids.filter((id) => !everCleared.has(id)),
  };
}
