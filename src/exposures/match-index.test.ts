import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileAdvisory,
  type DeployedComponent,
  ExposureIndex,
  type IndexableAdvisory,
  type Match,
} from './match-index.ts';

function advisory(
  id: string,
  eco: string,
  name: string,
  normalizedName: string,
  ranges: IndexableAdvisory['affected'][0]['ranges'],
  versions: string[] = [],
): IndexableAdvisory {
  return { id, affected: [{ package: { ecosystem: eco, name, normalizedName }, ranges, versions }] };
}
const semver = (introduced: string, fixed?: string) => ({
  type: 'SEMVER',
  events: [
    { kind: 'introduced' as const, version: introduced },
    ...(fixed ? [{ kind: 'fixed' as const, version: fixed }] : []),
  ],
});
const go = (name: string, version: string): DeployedComponent => ({
  ecosystem: 'Go',
  normalizedName: name,
  name,
  version,
  purl: `pkg:golang/${name}@${version}`,
});

function collect(index: ExposureIndex): string[] {
  const out: string[] = [];
  index.matchAll((m: Match) =>
    out.push(`${m.asset} ${m.component.name}@${m.component.version} ${m.advisory}`),
  );
  return out.sort();
}

describe('exposure index', () => {
  test('an SBOM is matched against indexed advisories by package key and exact version order', () => {
    const index = new ExposureIndex();
    index.putAdvisory(
      compileAdvisory(advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0', '1.2.0')])),
    );
    index.putAdvisory(
      compileAdvisory(advisory('A-2', 'Go', 'example.com/m', 'example.com/m', [semver('1.1.0', '1.10.0')])),
    );
    const hits: string[] = [];
    index.matchComponents(
      [
        go('example.com/m', 'v1.1.5'),
        go('example.com/m', 'v1.9.0'),
        go('example.com/m', 'v1.10.0'),
        go('example.com/other', 'v1.0.0'),
        { ...go('example.com/m', ''), version: '' },
      ],
      (c, a) => hits.push(`${c.version} ${a}`),
    );
    assert.deepEqual(hits.sort(), ['v1.1.5 A-1', 'v1.1.5 A-2', 'v1.9.0 A-2']);
  });

  test('a new advisory finds deployed components; replacing or withdrawing it updates the answers', () => {
    const index = new ExposureIndex();
    index.setAssetComponents('asset-1', [go('example.com/m', 'v1.0.0'), go('example.com/n', 'v2.0.0')]);
    index.setAssetComponents('asset-2', [go('example.com/m', 'v1.5.0')]);
    const a = compileAdvisory(
      advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0', '1.2.0')]),
    );
    const found: Match[] = [];
    index.matchAdvisory(a, (m) => found.push(m));
    assert.deepEqual(
      found.map((m) => m.asset),
      ['asset-1'],
    );
    index.putAdvisory(a);
    assert.deepEqual(collect(index), ['asset-1 example.com/m@v1.0.0 A-1']);
    // The same id with a wider range replaces the old one (and its cached verdicts).
    index.putAdvisory(
      compileAdvisory(advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0', '2.0.0')])),
    );
    assert.deepEqual(collect(index), [
      'asset-1 example.com/m@v1.0.0 A-1',
      'asset-2 example.com/m@v1.5.0 A-1',
    ]);
    index.putAdvisory(
      compileAdvisory({
        ...advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0')]),
        withdrawn: '2024-01-01T00:00:00Z',
      }),
    );
    assert.deepEqual(collect(index), []);
    assert.equal(index.advisoryCount, 0);
  });

  test('a new SBOM version replaces what the asset runs', () => {
    const index = new ExposureIndex();
    index.putAdvisory(
      compileAdvisory(advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0', '1.2.0')])),
    );
    index.setAssetComponents('asset-1', [go('example.com/m', 'v1.0.0')]);
    index.setAssetComponents('asset-1', [go('example.com/m', 'v1.3.0')]);
    assert.deepEqual(collect(index), []);
    assert.deepEqual(
      index.componentsOf('asset-1').map((c) => c.version),
      ['v1.3.0'],
    );
    index.removeAsset('asset-1');
    assert.equal(index.assetCount, 0);
  });

  test('GIT ranges are skipped without giving up on the advisory; listed versions match', () => {
    const adv = advisory(
      'A-3',
      'PyPI',
      'Django_Rest',
      'django-rest',
      [
        { type: 'GIT', events: [{ kind: 'introduced', version: 'abc' }] },
        {
          type: 'ECOSYSTEM',
          events: [
            { kind: 'introduced', version: '1.0' },
            { kind: 'fixed', version: '1.0.post1' },
          ],
        },
      ],
      ['0.9b1'],
    );
    const index = new ExposureIndex();
    index.putAdvisory(compileAdvisory(adv));
    const hits: string[] = [];
    const py = (v: string): DeployedComponent => ({
      ecosystem: 'PyPI',
      normalizedName: 'django-rest',
      name: 'django.rest',
      version: v,
    });
    index.matchComponents([py('1.0.0'), py('1.0.post1'), py('0.9b1'), py('0.9')], (c, a) =>
      hits.push(`${c.version} ${a}`),
    );
    assert.deepEqual(hits, ['1.0.0 A-3', '0.9b1 A-3']);
  });
});
