import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import semver from 'semver';
import { parseSbom } from '../../src/assets/sbom/index.ts';
import { DEFAULT_OSV_GO_DIR, generateSyntheticCycloneDx } from './synthetic-sbom.ts';

interface GoRange {
  events: Record<string, string>[];
}

// An independent, deliberately plain reading of the OSV rule for SEMVER ranges (introduced
// inclusive, fixed exclusive), using the semver package: enough to check the generator's mix.
function loadRanges(): Map<string, GoRange[]> {
  const byModule = new Map<string, GoRange[]>();
  for (const f of readdirSync(DEFAULT_OSV_GO_DIR)) {
    const doc = JSON.parse(readFileSync(join(DEFAULT_OSV_GO_DIR, f), 'utf8')) as {
      withdrawn?: string;
      affected: { package: { name: string }; ranges: GoRange[] }[];
    };
    if (doc.withdrawn) continue;
    for (const a of doc.affected)
      byModule.set(a.package.name, [...(byModule.get(a.package.name) ?? []), ...a.ranges]);
  }
  return byModule;
}

function affected(ranges: GoRange[], version: string): boolean {
  const v = version.replace(/^v/, '');
  for (const r of ranges) {
    let lo: string | undefined;
    for (const e of r.events) {
      if (e['introduced'] !== undefined) lo = e['introduced'] === '0' ? '0.0.0-0' : e['introduced'];
      else if (e['fixed'] !== undefined && lo !== undefined) {
        if (semver.gte(v, lo) && semver.lt(v, e['fixed'])) return true;
        lo = undefined;
      }
    }
    if (lo !== undefined && semver.gte(v, lo)) return true;
  }
  return false;
}

describe('generateSyntheticCycloneDx', () => {
  test('a valid CycloneDX 1.6 document of Go modules from the real advisories, half of them affected', () => {
    const doc = generateSyntheticCycloneDx(2000, 7);
    const sbom = parseSbom(JSON.stringify(doc)); // schema validation included
    assert.equal(sbom.specVersion, '1.6');
    assert.equal(sbom.components.length, 2000);
    assert.deepEqual(sbom.warnings, []);
    const ranges = loadRanges();
    let hits = 0;
    for (const c of sbom.components) {
      assert.equal(c.ecosystem, 'Go');
      const r = ranges.get(c.name ?? '');
      assert.ok(r, `${c.name} is a module named in the Go database`);
      if (affected(r, c.version ?? '')) hits++;
    }
    const share = hits / sbom.components.length;
    assert.ok(share > 0.3 && share < 0.8, `affected share ${share}`);
    assert.equal(sbom.dependencies.direct.length, 200);
    assert.equal(sbom.dependencies.transitive.length, 1800);
  });

  test('deterministic for a seed, different across seeds', () => {
    assert.deepEqual(generateSyntheticCycloneDx(300, 1), generateSyntheticCycloneDx(300, 1));
    assert.notDeepEqual(
      generateSyntheticCycloneDx(300, 1).components,
      generateSyntheticCycloneDx(300, 2).components,
    );
  });
});
