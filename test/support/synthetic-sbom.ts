// Synthetic CycloneDX 1.6 SBOMs for benchmarks: Go modules drawn from the real Go
// vulnerability database (../shared/data/osv-go), half of them at a version inside an affected
// range and half at a fixed version, so a matcher has real work and real misses. Deterministic
// for a given seed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOsv } from '../../src/advisories/import/index.ts';
import { seededRandom } from '../../src/platform/random.ts';

export const DEFAULT_OSV_GO_DIR = new URL('../../../shared/data/osv-go', import.meta.url).pathname;

interface Candidate {
  module: string;
  /** Versions (without Go's "v") inside an affected range of some advisory. */
  affected: string[];
  /** Versions (without "v") at which a range was fixed. */
  fixed: string[];
}

const candidatesByDir = new Map<string, Candidate[]>();

function loadCandidates(dir: string): Candidate[] {
  const cached = candidatesByDir.get(dir);
  if (cached) return cached;
  const byModule = new Map<string, Candidate>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const adv = parseOsv(readFileSync(join(dir, file)));
    if (adv.withdrawn) continue;
    for (const a of adv.affected) {
      if (a.package?.ecosystem !== 'Go') continue;
      // stdlib and toolchain are not modules an SBOM lists by purl.
      if (a.package.name === 'stdlib' || a.package.name === 'toolchain') continue;
      let c = byModule.get(a.package.name);
      if (!c) {
        c = { module: a.package.name, affected: [], fixed: [] };
        byModule.set(a.package.name, c);
      }
      for (const r of a.ranges) {
        let introduced: string | undefined;
        for (const e of r.events) {
          if (e.kind === 'introduced') introduced = e.version;
          else if (e.kind === 'fixed') {
            c.fixed.push(e.version);
            const inside = introduced === '0' || introduced === undefined ? below(e.version) : introduced;
            if (inside) c.affected.push(inside);
            introduced = undefined;
          }
        }
        // An open range (introduced, never fixed): the introduced version is affected.
        if (introduced !== undefined && introduced !== '0') c.affected.push(introduced);
        else if (introduced === '0') c.affected.push('0.1.0');
      }
    }
  }
  const list = [...byModule.values()].filter((c) => c.affected.length > 0 || c.fixed.length > 0);
  list.sort((a, b) => (a.module < b.module ? -1 : 1));
  candidatesByDir.set(dir, list);
  return list;
}

// A version just below `fixed` (so inside a range that starts at "0"), or undefined when the
// fixed version gives no obvious predecessor.
function below(fixed: string): string | undefined {
  const pseudo = fixed.match(/^0\.0\.0-(\d{14})-([0-9a-f]{12})$/);
  if (pseudo) return '0.0.0-20000101000000-000000000000';
  const m = fixed.match(/^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/);
  if (!m) return undefined;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (pat > 0) return `${maj}.${min}.${pat - 1}`;
  if (min > 0) return `${maj}.${min - 1}.0`;
  if (maj > 0) return `${maj - 1}.0.0`;
  return undefined;
}

export interface SyntheticCycloneDx {
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: number;
  metadata: {
    timestamp: string;
    component: { type: 'application'; 'bom-ref': string; name: string; version: string };
  };
  components: { type: 'library'; 'bom-ref': string; name: string; version: string; purl: string }[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

/**
 * A valid CycloneDX 1.6 document with `count` Go-module components. About half are at a
 * version inside an affected range of a real advisory, half at a fixed version (which may
 * still be affected by another advisory for the same module: the matcher decides).
 */
export function generateSyntheticCycloneDx(
  count: number,
  seed: number,
  osvDir = DEFAULT_OSV_GO_DIR,
): SyntheticCycloneDx {
  const candidates = loadCandidates(osvDir);
  if (candidates.length === 0) throw new Error(`No Go advisories found in ${osvDir}.`);
  const rand = seededRandom(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rand() * list.length)];
  const components: SyntheticCycloneDx['components'] = [];
  for (let i = 0; i < count; i++) {
    const c = pick(candidates);
    const wantAffected = rand() < 0.5;
    const pool = (wantAffected && c.affected.length) || !c.fixed.length ? c.affected : c.fixed;
    const version = `v${pick(pool)}`;
    const slash = c.module.lastIndexOf('/');
    const name = c.module.slice(slash + 1);
    const namespace = slash < 0 ? '' : c.module.slice(0, slash);
    components.push({
      type: 'library',
      'bom-ref': `c${i}`,
      name: c.module,
      version,
      // Go module paths keep their slashes in the purl namespace; only the segments are encoded.
      purl: `pkg:golang/${namespace ? namespace.split('/').map(encodeURIComponent).join('/') + '/' : ''}${encodeURIComponent(name)}@${encodeURIComponent(version)}`,
    });
  }
  // A shallow graph: the application depends on the first tenth, which pull in the rest.
  const directCount = Math.max(1, Math.ceil(count / 10));
  const dependencies: SyntheticCycloneDx['dependencies'] = [
    { ref: 'root', dependsOn: components.slice(0, directCount).map((c) => c['bom-ref']) },
  ];
  const children = new Map<number, string[]>();
  for (let i = directCount; i < count; i++) {
    const parent = i % directCount;
    const list = children.get(parent) ?? [];
    list.push(`c${i}`);
    children.set(parent, list);
  }
  for (let p = 0; p < Math.min(directCount, count); p++)
    dependencies.push({ ref: `c${p}`, dependsOn: children.get(p) ?? [] });
  const hex = (n: number): string =>
    Math.floor(rand() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`,
    version: 1,
    metadata: {
      timestamp: '2025-01-01T00:00:00Z',
      component: { type: 'application', 'bom-ref': 'root', name: `synthetic-app-${seed}`, version: '1.0.0' },
    },
    components,
    dependencies,
  };
}
