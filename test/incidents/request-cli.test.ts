// bin/bulwark incidents request: the coordination centre's local administrator requests an
// eu-nis2 incident's intermediate report (NIS2 art. 23(4)(c)) in a data directory; its deadline is
// the request + 72 hours; a second request fails (exit 1) and changes nothing; a stage not on
// request fails too; a missing flag is a usage error (exit 2).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createContext } from '../../src/app/index.ts';
import { localAdministrator } from '../../src/orgs/index.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { bulwarkSync } from '../support/processes.ts';

const bulwark = (args: string[]) => bulwarkSync(args, { env: { DATABASE_URL: '' } });

describe('bin/bulwark incidents request', () => {
  test('requests the intermediate report; twice fails; a stage not on request fails', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'bulwark-inc-request-cli-')), 'data');
    assert.equal(
      bulwark(['org', 'create', '--root', '--name', 'Centre', '--region', 'TS', '--data', data]).code,
      0,
    );
    const config = loadConfig({ LOG_LEVEL: 'silent', BULWARK_DEMO: 'false' }, { dataDir: data });
    let id: string;
    let ctx = await createContext(config);
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
      const i = await ctx.incidents.file(actor, {
        title: 'Telemetry gaps',
        category: 'gbt:other',
        grade: 'relatively-major',
        regime: 'eu-nis2',
        awareAt: new Date(Date.now() - 3_600_000).toISOString(),
      });
      id = i.id;
      assert.equal(i.obligations.find((o) => o.stage === 'intermediate')?.due, null);
    } finally {
      await ctx.close();
    }
    const r = bulwark([
      'incidents',
      'request',
      '--id',
      id,
      '--stage',
      'intermediate',
      '--note',
      'status?',
      '--json',
      '--data',
      data,
    ]);
    assert.equal(r.code, 0, r.err);
    const line = JSON.parse(r.out.trim()) as { id: string; requestedAt: string; due: string };
    assert.equal(line.id, id);
    assert.equal(Date.parse(line.due) - Date.parse(line.requestedAt), 72 * 3_600_000);
    const again = bulwark(['incidents', 'request', '--id', id, '--stage', 'intermediate', '--data', data]);
    assert.equal(again.code, 1, again.out);
    assert.match(again.err, /requested at .* not yet filed/);
    const wrong = bulwark(['incidents', 'request', '--id', id, '--stage', 'notification', '--data', data]);
    assert.equal(wrong.code, 1, wrong.out);
    assert.match(wrong.err, /no stage 'notification' owed on request/);
    const usage = bulwark(['incidents', 'request', '--id', id, '--data', data]);
    assert.equal(usage.code, 2, usage.out);
    ctx = await createContext(config);
    try {
      const admin = await localAdministrator(ctx.orgs);
      const got = await ctx.incidents.get(admin, id);
      const o = got.obligations.find((x) => x.stage === 'intermediate')!;
      assert.equal(o.requestedAt, line.requestedAt);
      assert.equal(o.due, line.due);
      const tl = await ctx.incidents.timeline(admin, id);
      assert.deepEqual(
        tl.items.filter((e) => e.kind === 'requested').map((e) => e.data.note),
        ['status?'],
      );
    } finally {
      await ctx.close();
    }
  });
});
