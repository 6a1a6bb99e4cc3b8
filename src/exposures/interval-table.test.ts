// The folded interval table must give exactly what the compiled matchers give (the reference-tested
// OSV evaluation in src/formats/versions): checked on every package of the real Go database
// (../shared/data/osv-go, CC-BY-4.0) at every bound and around it, and on hand-made ranges with
// last_affected, limit, listed versions, unsorted events and mixed orders.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readOsv } from '../advisories/import/index.ts';
import { compileAffected, ParsedVersion } from '../formats/versions/index.ts';
import { IntervalTable, ParsedVersions, type TableInput } from './interval-table.ts';

const OSV_GO = new URL('../../../shared/data/osv-go', import.meta.url).pathname;

function viaMatchers(inputs: TableInput[], version: string): string[] {
  const parsed = new ParsedVersion(version);
  const out = new Set<string>();
  for (const i of inputs) {
    const m = compileAffected({
      package: { ecosystem: i.ecosystem, name: 'x' },
      ranges: i.ranges,
      versions: i.versions,
    });
    if (m.matches(parsed)) out.add(i.advisory);
  }
  return [...out].sort();
}

function probes(inputs: TableInput[]): string[] {
  const out = new Set<string>(['0.0.0', 'v0.0.0', '999.0.0', 'v999.0.0', 'not-a-version']);
  for (const i of inputs) {
    for (const v of i.versions) out.add(v);
    for (const r of i.ranges)
      for (const e of r.events) {
        const v = e.version;
        out.add(v).add(`v${v}`).add(`${v}-rc.1`).add(`v${v}+incompatible`);
        const m = v.match(/^(\d+)\.(\d+)\.(\d+)$/);
        if (m) {
          out.add(`${m[1]}.${m[2]}.${Number(m[3]) + 1}`).add(`v${m[1]}.${m[2]}.${Number(m[3]) + 1}`);
          if (Number(m[3]) > 0) out.add(`v${m[1]}.${m[2]}.${Number(m[3]) - 1}`);
        }
      }
  }
  return [...out];
}

describe('interval table', () => {
  test('agrees with the compiled matchers on every package of the Go database', async () => {
    const { advisories } = await readOsv(OSV_GO);
    const byPackage = new Map<string, TableInput[]>();
    for (const { advisory } of advisories) {
      if (advisory.withdrawn) continue;
      for (const a of advisory.affected) {
        if (!a.package) continue;
        const list = byPackage.get(a.package.name) ?? [];
        byPackage.set(a.package.name, list);
        list.push({
          advisory: advisory.id,
          ecosystem: a.package.ecosystem,
          ranges: a.ranges,
          versions: a.versions,
        });
      }
    }
    let checked = 0;
    // One set of parsed versions shared by every package, as one matching pass shares it: a
    // version string (and an unreadable one) parsed for one package answers the next.
    const parsed = new ParsedVersions();
    for (const [name, inputs] of byPackage) {
      const table = IntervalTable.build(inputs);
      assert.ok(table, name);
      for (const v of probes(inputs)) {
        const expected = viaMatchers(inputs, v);
        assert.deepEqual([...table.lookup(v)].sort(), expected, `${name} ${v}`);
        assert.deepEqual([...table.lookup(v, parsed)].sort(), expected, `${name} ${v} (parsed once)`);
        checked++;
      }
    }
    assert.ok(checked > 20_000, `${checked} probes`);
  });

  test('last_affected, limit, listed versions and unsorted events', () => {
    const ev = (kind: 'introduced' | 'fixed' | 'last_affected' | 'limit', version: string) => ({
      kind,
      version,
    });
    const inputs: TableInput[] = [
      {
        advisory: 'A',
        ecosystem: 'npm',
        ranges: [{ type: 'SEMVER', events: [ev('fixed', '2.0.0'), ev('introduced', '1.0.0')] }],
        versions: [],
      },
      {
        advisory: 'B',
        ecosystem: 'npm',
        ranges: [{ type: 'SEMVER', events: [ev('introduced', '0'), ev('last_affected', '1.5.0')] }],
        versions: ['3.0.0'],
      },
      {
        advisory: 'C',
        ecosystem: 'npm',
        ranges: [
          {
            type: 'SEMVER',
            events: [ev('introduced', '1.2.0'), ev('limit', '1.4.0'), ev('introduced', '5.0.0')],
          },
        ],
        versions: [],
      },
      {
        advisory: 'D',
        ecosystem: 'npm',
        ranges: [{ type: 'SEMVER', events: [ev('introduced', '1.0.0'), ev('fixed', '1.0.0')] }],
        versions: [],
      },
      {
        advisory: 'E',
        ecosystem: 'npm',
        ranges: [
          { type: 'SEMVER', events: [ev('introduced', 'garbage')] },
          { type: 'GIT', events: [ev('introduced', 'abc')] },
        ],
        versions: [],
      },
    ];
    const table = IntervalTable.build(inputs)!;
    for (const v of [
      '0.1.0',
      '1.0.0',
      '1.2.0',
      '1.3.9',
      '1.4.0',
      '1.5.0',
      '1.5.1',
      '2.0.0',
      '3.0.0',
      '5.0.0',
      '6.0.0',
      '1.0.0-beta',
    ])
      assert.deepEqual([...table.lookup(v)].sort(), viaMatchers(inputs, v), v);
  });

  test('packages whose ranges use two version orders get no table', () => {
    const inputs: TableInput[] = [
      {
        advisory: 'A',
        ecosystem: 'PyPI',
        ranges: [{ type: 'ECOSYSTEM', events: [{ kind: 'introduced', version: '1.0' }] }],
        versions: [],
      },
      {
        advisory: 'B',
        ecosystem: 'PyPI',
        ranges: [{ type: 'SEMVER', events: [{ kind: 'introduced', version: '1.0.0' }] }],
        versions: [],
      },
    ];
    assert.equal(IntervalTable.build(inputs), undefined);
    assert.ok(IntervalTable.build([inputs[0]!]));
  });
});
