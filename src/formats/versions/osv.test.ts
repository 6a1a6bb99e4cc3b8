// OSV range evaluation: the schema's semantics on small hand-made entries, then every range of the
// Go vulnerability database (../shared/data/osv-go, CC-BY-4.0, The Go project) and real advisories
// whose expected answers come from their published fix versions.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compileAffected, type OsvAffected, type OsvSchemaEvent, ParsedVersion } from './index.ts';
import { OSV_GO_DIR } from '../../../test/versions/reference/samples.ts';

function affectedVersions(affected: OsvAffected, versions: string[]): string[] {
  const m = compileAffected(affected);
  return versions.filter((v) => m.isAffected(v));
}

const npm = (ranges: OsvAffected['ranges'], versions?: string[]): OsvAffected => ({
  package: { ecosystem: 'npm', name: 'pkg' },
  ranges,
  ...(versions ? { versions } : {}),
});

describe('OSV range semantics', () => {
  const probe = [
    '0.0.1',
    '0.9.9',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.5',
    '1.1.0',
    '1.5.0',
    '2.0.0',
    '2.0.1',
    '3.0.0',
  ];
  test('introduced is inclusive, "0" means everything, fixed is exclusive', () => {
    assert.deepEqual(
      affectedVersions(
        npm([{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] }]),
        probe,
      ),
      ['1.0.0', '1.0.5'],
    );
    assert.deepEqual(
      affectedVersions(npm([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }]), probe),
      ['0.0.1', '0.9.9', '1.0.0-rc.1'],
    );
  });
  test('last_affected is inclusive; an open introduced affects everything after it', () => {
    assert.deepEqual(
      affectedVersions(
        npm([{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { last_affected: '1.5.0' }] }]),
        probe,
      ),
      ['1.0.0', '1.0.5', '1.1.0', '1.5.0'],
    );
    assert.deepEqual(
      affectedVersions(npm([{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }] }]), probe),
      ['2.0.0', '2.0.1', '3.0.0'],
    );
  });
  test('events are sorted by version before evaluation', () => {
    const unsorted = npm([
      {
        type: 'SEMVER',
        events: [{ fixed: '2.0.1' }, { introduced: '2.0.0' }, { fixed: '1.1.0' }, { introduced: '0' }],
      },
    ]);
    assert.deepEqual(affectedVersions(unsorted, probe), [
      '0.0.1',
      '0.9.9',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.5',
      '2.0.0',
    ]);
  });
  test('limit bounds the range from above; "*" is no bound', () => {
    const limited = npm([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { limit: '1.1.0' }] }]);
    assert.deepEqual(affectedVersions(limited, probe), ['0.0.1', '0.9.9', '1.0.0-rc.1', '1.0.0', '1.0.5']);
    const star = npm([{ type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { limit: '*' }] }]);
    assert.deepEqual(affectedVersions(star, probe), ['2.0.0', '2.0.1', '3.0.0']);
  });
  test('limit is not a closing event: BeforeLimits gates the whole range (below any limit)', () => {
    const m = compileAffected({
      package: { ecosystem: 'PyPI', name: 'x' },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: '0' }, { limit: '1.0' }, { introduced: '2.0' }, { limit: '3.0' }],
        },
      ],
    });
    assert.deepEqual(
      ['0.5', '1.5', '2.5', '3.0', '3.5'].map((v) => m.isAffected(v)),
      [true, true, true, false, false],
    );
  });
  test('the versions list matches exactly, and adds to the ranges', () => {
    const m = npm(
      [{ type: 'SEMVER', events: [{ introduced: '2.0.0' }, { fixed: '2.0.1' }] }],
      ['0.9.9', '1.5.0'],
    );
    assert.deepEqual(affectedVersions(m, probe), ['0.9.9', '1.5.0', '2.0.0']);
  });
  test('a version parsed once is reused across matchers and orders', () => {
    const a = compileAffected(npm([{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }]));
    const b = compileAffected(npm([{ type: 'ECOSYSTEM', events: [{ introduced: '1.5.0' }] }]));
    const c = compileAffected({
      package: { ecosystem: 'PyPI', name: 'x' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0rc1' }] }],
    });
    const v = new ParsedVersion('1.6.0');
    assert.deepEqual([a.matches(v), b.matches(v), c.matches(v)], [true, true, true]);
    // OSV's lenient SemVer reads 1.6 as 1.6.0.
    const short = new ParsedVersion('1.6');
    assert.deepEqual([a.matches(short), b.matches(short), c.matches(short)], [true, true, true]);
    const bad = new ParsedVersion('latest');
    assert.deepEqual([a.matches(bad), b.matches(bad), c.matches(bad)], [false, false, false]);
    assert.match(bad.invalid ?? '', /invalid npm version "latest"/);
  });
  test("the import converter's event shape ({ kind, version }) is accepted too", () => {
    const converted = {
      package: { ecosystem: 'Go', name: 'example.com/m', normalizedName: 'example.com/m' },
      severity: [],
      versions: [],
      ranges: [
        {
          type: 'SEMVER' as const,
          events: [
            { kind: 'introduced' as const, version: '1.2.0' },
            { kind: 'last_affected' as const, version: '1.2.5' },
          ],
        },
      ],
    };
    const m = compileAffected(converted);
    assert.deepEqual(
      ['v1.1.9', 'v1.2.0', 'v1.2.5', 'v1.2.6'].map((v) => m.isAffected(v)),
      [false, true, true, false],
    );
  });
  test('GIT ranges are skipped without giving up on the rest of the entry', () => {
    const m = compileAffected(
      npm([
        {
          type: 'GIT',
          repo: 'https://example.org/repo.git',
          events: [{ introduced: 'abc123' }, { fixed: 'def456' }],
        },
        { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] },
      ]),
    );
    assert.deepEqual(m.problems, []);
    assert.equal(m.rangeCount, 1);
    assert.equal(m.isAffected('0.9.9'), true);
    assert.equal(m.isAffected('abc123'), false);
  });
  test('ECOSYSTEM ranges use the ecosystem order (PyPI here, where 1.0.post1 > 1.0 > 1.0rc1)', () => {
    const m = compileAffected({
      package: { ecosystem: 'PyPI', name: 'x' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0rc1' }, { fixed: '1.0.post1' }] }],
    });
    assert.deepEqual(
      ['1.0b9', '1.0rc1', '1.0', '1.0+local', '1.0.post1', '1.0.post1.dev0'].filter((v) => m.isAffected(v)),
      ['1.0rc1', '1.0', '1.0+local', '1.0.post1.dev0'],
    );
  });
  test('an unknown ecosystem is reported, not thrown; its versions list still matches', () => {
    const m = compileAffected({
      package: { ecosystem: 'Hackage', name: 'x' },
      ranges: [
        { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0' }] },
        { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] },
      ],
      versions: ['0.5'],
    });
    assert.equal(m.problems.length, 1);
    assert.match(m.problems[0]!, /no version order for ecosystem "Hackage"/);
    assert.equal(m.isAffected('0.5'), true);
    assert.equal(m.isAffected('r6'), false, 'neither an order nor SemVer can read it');
    assert.equal(m.isAffected('0.9.0'), true, 'SEMVER ranges need no ecosystem order');
  });
  test('unparsable bounds and malformed events are reported and skip only their range', () => {
    const m = compileAffected(
      npm([
        { type: 'SEMVER', events: [{ introduced: 'not-a-version' }] },
        { type: 'SEMVER', events: [{ introduced: '1.0.0', fixed: '2.0.0' }] },
        { type: 'WEIRD', events: [] },
        { type: 'SEMVER', events: [{ introduced: '3.0.0' }] },
      ]),
    );
    assert.equal(m.problems.length, 3);
    assert.match(m.problems[0]!, /^range 0: invalid npm version "not-a-version"/);
    assert.match(m.problems[1]!, /^range 1: an event must have exactly one/);
    assert.match(m.problems[2]!, /^range 2: unknown range type "WEIRD"/);
    assert.equal(m.isAffected('3.1.0'), true);
    assert.deepEqual(m.evaluate('garbage'), {
      affected: false,
      invalid: 'invalid npm version "garbage": expected a version starting with a number',
    });
  });
});

interface OsvDoc {
  id: string;
  affected?: OsvAffected[];
}

function loadGo(id: string): OsvDoc {
  return JSON.parse(readFileSync(join(OSV_GO_DIR, `${id}.json`), 'utf8')) as OsvDoc;
}

function goMatcher(id: string, pkg: string) {
  const a = loadGo(id).affected!.find((x) => x.package?.name === pkg);
  assert.ok(a, `${id} affects ${pkg}`);
  return compileAffected(a);
}

describe('the Go vulnerability database', () => {
  test('every range of every advisory compiles', () => {
    let entries = 0;
    let ranges = 0;
    const problems: string[] = [];
    for (const f of readdirSync(OSV_GO_DIR)) {
      if (!f.endsWith('.json')) continue;
      const doc = JSON.parse(readFileSync(join(OSV_GO_DIR, f), 'utf8')) as OsvDoc;
      for (const a of doc.affected ?? []) {
        const m = compileAffected(a);
        entries++;
        ranges += m.rangeCount;
        problems.push(...m.problems.map((p) => `${doc.id}: ${p}`));
        assert.equal(m.rangeCount, (a.ranges ?? []).filter((r) => r.type !== 'GIT').length, doc.id);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(entries > 4000 && ranges > 4000, `${entries} entries, ${ranges} ranges`);
  });

  test('a single introduced/fixed pair affects its introduced version and not its fixed version', () => {
    // Straight from the OSV definitions, on every such range in the data set.
    let checked = 0;
    for (const f of readdirSync(OSV_GO_DIR)) {
      const doc = JSON.parse(readFileSync(join(OSV_GO_DIR, f), 'utf8')) as OsvDoc;
      for (const a of doc.affected ?? []) {
        if (a.ranges?.length !== 1 || a.versions?.length) continue;
        const ev = a.ranges[0]!.events as readonly OsvSchemaEvent[];
        if (ev.length !== 2 || ev[0]!.introduced === undefined || ev[1]!.fixed === undefined) continue;
        const m = compileAffected(a);
        if (ev[0]!.introduced !== '0')
          assert.equal(m.isAffected(ev[0]!.introduced), true, `${doc.id} introduced`);
        assert.equal(m.isAffected(ev[1]!.fixed!), false, `${doc.id} fixed`);
        assert.equal(m.isAffected(`v${ev[1]!.fixed}`), false, `${doc.id} fixed with v prefix`);
        checked++;
      }
    }
    assert.ok(checked > 2000, `${checked} ranges checked`);
  });

  test('GO-2022-0969 (CVE-2022-27664): Go fixed in 1.18.6 and 1.19.1; x/net fixed in the 2022-09-06 pseudo-version', () => {
    const std = goMatcher('GO-2022-0969', 'stdlib');
    const cases: [string, boolean][] = [
      ['1.17.13', true],
      ['1.18.5', true],
      ['1.18.6', false],
      ['1.18.10', false],
      ['1.19.0-rc.1', true],
      ['1.19.0', true],
      ['1.19.1', false],
      ['1.20.0', false],
    ];
    for (const [v, want] of cases) assert.equal(std.isAffected(v), want, `stdlib ${v}`);
    const net = goMatcher('GO-2022-0969', 'golang.org/x/net');
    assert.equal(net.isAffected('v0.0.0-20220826154423-83b083e8dc8b'), true);
    assert.equal(net.isAffected('v0.0.0-20220906165146-f3363e06e74c'), false);
    assert.equal(net.isAffected('v0.1.0'), false);
  });

  test('GO-2024-2687 (CVE-2023-45288): Go fixed in 1.21.9 and 1.22.2, x/net in 0.23.0', () => {
    const std = goMatcher('GO-2024-2687', 'stdlib');
    for (const [v, want] of [
      ['1.21.8', true],
      ['1.21.9', false],
      ['1.22.0', true],
      ['1.22.1', true],
      ['1.22.2', false],
    ] as const) {
      assert.equal(std.isAffected(v), want, `stdlib ${v}`);
    }
    const net = goMatcher('GO-2024-2687', 'golang.org/x/net');
    assert.equal(net.isAffected('v0.22.0'), true);
    assert.equal(net.isAffected('v0.23.0'), false);
  });

  test('GO-2024-2488 (CVE-2020-16251): Vault 0.8.3 and newer, fixed in 1.2.5, 1.3.8, 1.4.4 and 1.5.1', () => {
    const m = goMatcher('GO-2024-2488', 'github.com/hashicorp/vault');
    const want = {
      '0.8.2': false,
      '0.8.3': true,
      '1.2.4': true,
      '1.2.5': false,
      '1.3.0': true,
      '1.3.8': false,
      '1.4.3': true,
      '1.4.4': false,
      '1.5.0': true,
      '1.5.1': false,
      '1.6.0': false,
    };
    for (const [v, affected] of Object.entries(want))
      assert.equal(m.isAffected(`v${v}`), affected, `vault ${v}`);
  });

  test('GO-2024-2459 (CVE-2023-49295): quic-go fixed in 0.37.7, 0.38.2, 0.39.4 and 0.40.1', () => {
    const m = goMatcher('GO-2024-2459', 'github.com/quic-go/quic-go');
    const want = {
      '0.37.6': true,
      '0.37.7': false,
      '0.38.0': true,
      '0.38.2': false,
      '0.39.3': true,
      '0.39.4': false,
      '0.40.0': true,
      '0.40.1': false,
      '0.41.0': false,
    };
    for (const [v, affected] of Object.entries(want)) assert.equal(m.isAffected(v), affected, `quic-go ${v}`);
  });

  test('GO-2021-0072 / GO-2021-0073: +incompatible versions and a pseudo-version fix', () => {
    const dist = goMatcher('GO-2021-0072', 'github.com/docker/distribution');
    assert.equal(dist.isAffected('v2.6.2+incompatible'), true);
    assert.equal(dist.isAffected('v2.7.0-beta.1+incompatible'), true);
    assert.equal(dist.isAffected('v2.7.0-rc.0+incompatible'), false);
    assert.equal(dist.isAffected('v2.7.1+incompatible'), false);
    const lfs = goMatcher('GO-2021-0073', 'github.com/git-lfs/git-lfs');
    assert.equal(lfs.isAffected('v2.1.0+incompatible'), true);
    assert.equal(lfs.isAffected('v2.1.1-0.20170101000000-aaaaaaaaaaaa+incompatible'), true);
    assert.equal(lfs.isAffected('v2.1.1-0.20170519163204-f913f5f9c7c6+incompatible'), false);
    assert.equal(lfs.isAffected('v2.1.1+incompatible'), false);
  });
});
