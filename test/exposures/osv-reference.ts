// An independent reference for the exposure tests: which (Go module, version) an OSV entry
// affects, computed from the raw JSON files of ../shared/data/osv-go (CC-BY-4.0, the Go project)
// with the OSV schema's own evaluation pseudo-code and node-semver's SemVer 2.0 precedence. It
// shares no code with the matcher under test (no converter, no comparator, no compiled ranges).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

export const OSV_GO_DIR = new URL('../../../shared/data/osv-go', import.meta.url).pathname;

interface RawEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}
interface RawEntry {
  id: string;
  withdrawn?: string;
  aliases?: string[];
  affected?: {
    package?: { ecosystem: string; name: string };
    ranges?: { type: string; events: RawEvent[] }[];
    versions?: string[];
  }[];
}

export function loadRawOsv(dir = OSV_GO_DIR): RawEntry[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RawEntry);
}

/** Go module versions carry a "v"; OSV's SEMVER events do not. Build metadata (+incompatible) is ignored by precedence. */
function sv(v: string): string {
  return v.startsWith('v') ? v.slice(1) : v;
}

/** The OSV schema's pseudo-code for one SEMVER range. */
function inRange(version: string, events: RawEvent[]): boolean {
  const value = (e: RawEvent) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '';
  const sorted = [...events].sort((a, b) => {
    if (a.introduced === '0') return -1;
    if (b.introduced === '0') return 1;
    return semver.compare(value(a), value(b));
  });
  let vulnerable = false;
  for (const e of sorted) {
    if (e.introduced !== undefined && (e.introduced === '0' || semver.gte(version, e.introduced)))
      vulnerable = true;
    else if (e.fixed !== undefined && semver.gte(version, e.fixed)) vulnerable = false;
    else if (e.last_affected !== undefined && semver.gt(version, e.last_affected)) vulnerable = false;
  }
  const limits = events.filter((e) => e.limit !== undefined).map((e) => e.limit!);
  if (limits.length && !limits.some((l) => l === '*' || semver.lt(version, l))) return false;
  return vulnerable;
}

/** Advisory ids (not withdrawn) affecting this Go module at this version. */
export class ReferenceMatcher {
  private readonly byModule = new Map<string, { id: string; ranges: RawEvent[][]; versions: string[] }[]>();

  constructor(entries: RawEntry[]) {
    for (const e of entries) {
      if (e.withdrawn) continue;
      for (const a of e.affected ?? []) {
        if (a.package?.ecosystem !== 'Go') continue;
        const list = this.byModule.get(a.package.name) ?? [];
        this.byModule.set(a.package.name, list);
        list.push({
          id: e.id,
          ranges: (a.ranges ?? []).filter((r) => r.type === 'SEMVER').map((r) => r.events),
          versions: a.versions ?? [],
        });
      }
    }
  }

  affecting(module: string, version: string): string[] {
    const v = sv(version);
    if (!semver.valid(v)) return [];
    const out = new Set<string>();
    for (const a of this.byModule.get(module) ?? []) {
      if (a.versions.includes(v) || a.ranges.some((events) => inRange(v, events))) out.add(a.id);
    }
    return [...out];
  }
}

/** The Go module and version of a pkg:golang purl, read by hand (not by the purl library under test). */
export function goPurl(purl: string): { module: string; version: string } | undefined {
  if (!purl.startsWith('pkg:golang/')) return undefined;
  const rest = purl.slice('pkg:golang/'.length).split('#')[0]!.split('?')[0]!;
  const at = rest.lastIndexOf('@');
  if (at < 0) return undefined;
  return { module: decodeURIComponent(rest.slice(0, at)), version: decodeURIComponent(rest.slice(at + 1)) };
}
