// bin/bulwark for incidents: `deadlines` prints the obligations of the engine the server uses,
// with no database; `incidents` lists the incidents of a data directory like the other lists.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../src/app/index.ts';
import { computeObligations, regimeById } from '../../src/incidents/index.ts';
import { localAdministrator } from '../../src/orgs/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { bulwarkSync } from '../support/processes.ts';

const bulwark = (args: string[]) => bulwarkSync(args, { env: { DATABASE_URL: '' } });

describe('bin/bulwark deadlines and incidents', () => {
  test('deadlines: the same obligations as the engine, as a JSON array of {stage, due, recipient}', () => {
    for (const [regime, entity, grade, aware] of [
      ['cn-2025', 'cii-operator', 'major', '2025-11-03T14:00:00+08:00'],
      ['cn-2025', 'other', 'relatively-major', '2025-11-03T14:00:00+08:00'],
      ['eu-nis2', 'trust-service', 'particularly-major', '2025-10-25T23:30:00Z'],
      ['us-circia', 'covered-entity', 'major', '2025-03-08T12:00:00-05:00'],
    ] as const) {
      const r = bulwark([
        'deadlines',
        '--regime',
        regime,
        '--aware',
        aware,
        '--entity',
        entity,
        '--grade',
        grade,
        '--json',
      ]);
      assert.equal(r.code, 0, r.err);
      const expected = computeObligations({
        regime: regimeById(regime)!,
        entity,
        grade,
        timeZone: 'UTC',
        events: { aware: new Date(aware) },
      }).map((o) => ({ stage: o.stage, due: o.due?.toISOString() ?? null, recipient: o.recipient }));
      assert.deepEqual(JSON.parse(r.out), expected);
    }
    const general = bulwark([
      'deadlines',
      '--regime',
      'cn-2025',
      '--aware',
      '2025-11-03T14:00:00Z',
      '--grade',
      'general',
      '--json',
    ]);
    assert.deepEqual(JSON.parse(general.out), []);
  });

  test('deadlines refuses bad input with a usage error (exit 2)', () => {
    for (const args of [
      ['--regime', 'xx', '--aware', '2025-11-03T14:00:00Z'],
      ['--regime', 'cn-2025'],
      ['--regime', 'cn-2025', '--aware', 'tomorrow'],
      ['--regime', 'cn-2025', '--aware', '2025-11-03T14:00:00'],
      ['--regime', 'cn-2025', '--aware', '2025-11-03T14:00:00Z', '--entity', 'essential'],
      ['--regime', 'cn-2025', '--aware', '2025-11-03T14:00:00Z', '--tz', 'Nowhere/Town'],
    ]) {
      const r = bulwark(['deadlines', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
      assert.match(r.err, /usage: bulwark deadlines/);
    }
  });

  test('incidents lists a data directory’s incidents, one JSON object a line', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'bulwark-inc-cli-')), 'data');
    assert.equal(
      bulwark(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', '--data', data]).code,
      0,
    );
    const ctx = await createContext(
      loadConfig({ LOG_LEVEL: 'silent', BULWARK_DEMO: 'false' }, { dataDir: data }),
    );
    try {
      const admin = await localAdministrator(ctx.orgs);
      const op = await ctx.orgs.createOrg(admin, {
        name: 'Op',
        kind: 'operator',
        parent: admin.org.id,
        region: 'TS',
        sector: 'energy',
        critical: true,
      });
      const actor = await ctx.incidents.actingFor(admin, op.id);
      await ctx.incidents.file(actor, {
        title: 'Overdue one',
        category: 'gbt:malware',
        grade: 'major',
        awareAt: new Date(Date.now() - 7_200_000).toISOString(),
      });
      await ctx.incidents.file(admin, {
        org: op.id,
        exercise: true,
        title: 'Drill',
        category: 'gbt:other',
        grade: 'general',
        awareAt: new Date().toISOString(),
      });
    } finally {
      await ctx.close();
    }
    const r = bulwark(['incidents', '--json', '--data', data]);
    assert.equal(r.code, 0, r.err);
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      rows.map((x) => [x.title, x.grade, x.overdue, x.exercise]),
      [
        ['Overdue one', 'major', true, false],
        ['Drill', 'general', false, true],
      ],
    );
    const overdue = bulwark(['incidents', '--overdue', '--json', '--data', data]);
    assert.equal(overdue.out.trim().split('\n').length, 1);
    const table = bulwark(['incidents', '--data', data]);
    assert.match(table.out, /Overdue one .*OVERDUE/);
    assert.match(table.out, /Drill .*DRILL/);
  });

  test('incidents regimes list, show and set: a new version from a file, a bad one refused with its path', () => {
    const data = join(mkdtempSync(join(tmpdir(), 'bulwark-regimes-cli-')), 'data');
    assert.equal(
      bulwark(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', '--data', data]).code,
      0,
    );
    const list = bulwark(['incidents', 'regimes', 'list', '--json', '--data', data]);
    assert.equal(list.code, 0, list.err);
    const rows = list.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; version: number });
    assert.deepEqual(rows.map((r) => [r.id, r.version]).sort(), [
      ['cn-2025', 1],
      ['eu-nis2', 1],
      ['us-circia', 1],
    ]);
    const show = bulwark(['incidents', 'regimes', 'show', 'eu-nis2', '--data', data]);
    assert.equal(show.code, 0, show.err);
    const def = JSON.parse(show.out) as { id: string; stages: { delay: Record<string, number> }[] };
    assert.equal(def.id, 'eu-nis2');
    def.stages[0]!.delay = { hours: 12 };
    const file = join(data, '..', 'nis2.json');
    writeFileSync(file, JSON.stringify(def));
    const set = bulwark(['incidents', 'regimes', 'set', file, '--data', data]);
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /eu-nis2: stored as version 2/);
    const v2 = bulwark(['incidents', 'regimes', 'show', 'eu-nis2', '--data', data]);
    assert.deepEqual(JSON.parse(v2.out).stages[0].delay, { hours: 12 });
    assert.match(v2.err, /version 2 of 2/);
    const v1 = bulwark(['incidents', 'regimes', 'show', 'eu-nis2', '--version', '1', '--data', data]);
    assert.deepEqual(JSON.parse(v1.out).stages[0].delay, { hours: 24 });

    def.stages[0]!.delay = { hours: -1 };
    writeFileSync(file, JSON.stringify(def));
    const bad = bulwark(['incidents', 'regimes', 'set', file, '--data', data]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /\/stages\/0\/delay\/hours: must be a whole number/);
    const still = bulwark(['incidents', 'regimes', 'list', '--json', '--data', data]);
    assert.match(still.out, /"id":"eu-nis2","version":2/);
  });
});
