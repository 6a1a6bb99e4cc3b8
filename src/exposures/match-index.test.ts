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

  test('a reader between the slices of a replacement sees the old components or the new, never a mix', () => {
    // Old SBOM: m0..m9 at v1.0.0 (affected by A-m), n0..n4; new SBOM: m0..m9 at v1.5.0 (still
    // affected: A-m covers < 2.0.0), m10..m14 at v1.0.0, no n*. Another asset runs m0 throughout.
    const index = new ExposureIndex();
    for (let i = 0; i < 15; i++) {
      const name = `example.com/m${i}`;
      index.putAdvisory(compileAdvisory(advisory(`A-m${i}`, 'Go', name, name, [semver('0', '2.0.0')])));
    }
    index.putAdvisory(
      compileAdvisory(advisory('A-n', 'Go', 'example.com/n0', 'example.com/n0', [semver('0')])),
    );
    const old = [
      ...Array.from({ length: 10 }, (_, i) => go(`example.com/m${i}`, 'v1.0.0')),
      ...Array.from({ length: 5 }, (_, i) => go(`example.com/n${i}`, 'v0.1.0')),
    ];
    const next = [
      ...Array.from({ length: 10 }, (_, i) => go(`example.com/m${i}`, 'v1.5.0')),
      ...Array.from({ length: 5 }, (_, i) => go(`example.com/m${10 + i}`, 'v1.0.0')),
    ];
    index.setAssetComponents('asset-1', old);
    index.setAssetComponents('asset-2', [go('example.com/m0', 'v1.0.0')]);
    const expected = (list: DeployedComponent[]) => {
      const fresh = new ExposureIndex();
      for (const a of ['A-n', ...Array.from({ length: 15 }, (_, i) => `A-m${i}`)]) {
        const name = a === 'A-n' ? 'example.com/n0' : `example.com/m${a.slice(3)}`;
        fresh.putAdvisory(
          compileAdvisory(advisory(a, 'Go', name, name, [a === 'A-n' ? semver('0') : semver('0', '2.0.0')])),
        );
      }
      fresh.setAssetComponents('asset-1', list);
      fresh.setAssetComponents('asset-2', [go('example.com/m0', 'v1.0.0')]);
      return collect(fresh);
    };
    const seenAs = (view: string[]) =>
      JSON.stringify(view) === JSON.stringify(expected(old))
        ? 'old'
        : JSON.stringify(view) === JSON.stringify(expected(next))
          ? 'new'
          : `a mix: ${view.join(', ')}`;
    const components = () =>
      index
        .componentsOf('asset-1')
        .map((c) => `${c.name}@${c.version}`)
        .sort();
    const viaAdvisories = () => {
      // What an advisory import matching now would find on asset-1 (matchAdvisory, not the cache).
      const out: string[] = [];
      for (let i = 0; i < 15; i++)
        index.matchAdvisory(index.advisory(`A-m${i}`)!, (m) => {
          if (m.asset === 'asset-1') out.push(`${m.component.name}@${m.component.version}`);
        });
      index.matchAdvisory(index.advisory('A-n')!, (m) => {
        if (m.asset === 'asset-1') out.push(`${m.component.name}@${m.component.version}`);
      });
      return out.sort();
    };
    const names = (list: DeployedComponent[]) => list.map((c) => `${c.name}@${c.version}`).sort();
    const affected = (list: DeployedComponent[]) =>
      names(list.filter((c) => c.name.startsWith('example.com/m') || c.name === 'example.com/n0'));
    const views: string[] = [];
    for (const _ of index.replaceAssetSteps('asset-1', next, 2)) {
      const view = seenAs(collect(index));
      const listed = components();
      assert.ok(
        JSON.stringify(listed) === JSON.stringify(names(old)) ||
          JSON.stringify(listed) === JSON.stringify(names(next)),
        `componentsOf between two slices: ${listed.join(', ')}`,
      );
      const matched = viaAdvisories();
      assert.ok(
        JSON.stringify(matched) === JSON.stringify(affected(old)) ||
          JSON.stringify(matched) === JSON.stringify(affected(next)),
        `matchAdvisory between two slices: ${matched.join(', ')}`,
      );
      views.push(view);
    }
    assert.deepEqual(
      views.filter((v) => v !== 'old' && v !== 'new'),
      [],
    );
    // It did run in slices, and the old view held until the swap.
    assert.ok(views.length > 3 && views[0] === 'old', views.join(' '));
    assert.equal(seenAs(collect(index)), 'new');
    assert.deepEqual(components(), names(next));
    assert.equal(index.assetCount, 2);
  });

  test('a replacement abandoned before its swap leaves the old components and nothing of the new', () => {
    const index = new ExposureIndex();
    index.putAdvisory(
      compileAdvisory(advisory('A-1', 'Go', 'example.com/m', 'example.com/m', [semver('0', '2.0.0')])),
    );
    index.setAssetComponents('asset-1', [go('example.com/m', 'v1.0.0')]);
    const steps = index.replaceAssetSteps(
      'asset-1',
      [go('example.com/m', 'v1.5.0'), go('example.com/x', 'v1.0.0'), go('example.com/y', 'v1.0.0')],
      1,
    );
    steps.next();
    steps.next();
    steps.return(undefined);
    assert.deepEqual(collect(index), ['asset-1 example.com/m@v1.0.0 A-1']);
    assert.deepEqual(
      index.componentsOf('asset-1').map((c) => c.version),
      ['v1.0.0'],
    );
    const found: Match[] = [];
    index.matchAdvisory(
      compileAdvisory(advisory('A-x', 'Go', 'example.com/x', 'example.com/x', [semver('0')])),
      (m) => found.push(m),
    );
    assert.deepEqual(found, []);
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
