// A full reconcile of the metric cells reads for seconds at a million records. Meanwhile the
// incremental rebuild of a new write goes on (it does not wait behind the reconcile's reads), and
// the reconcile, when it writes, leaves alone the cells rewritten after its reads began (what
// they saw is older). A keeper of the test's own holds its reconcile open after the reads, at the
// operations figures, while an incident is filed. On PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { CellKeeper } from '../../src/metrics/cells.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from '../incidents/support.ts';
import { deferred, until } from '../support/wait.ts';

for (const kind of testDatabaseKinds()) {
  describe(`metric cells: a reconcile overlapping a write, on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s, 'BW-Q');
      await s.ctx.metrics.cellKeeper.settle();
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const incidentsInCells = async (org: string) =>
      (
        await s.ctx.db.query<{ n: number }>(
          'SELECT coalesce(sum(incidents), 0)::int AS n FROM metric_incident_cells WHERE org_id = $1',
          [org],
        )
      ).rows[0]!.n;

    test('the write is rebuilt while the reconcile reads, and the reconcile does not undo it', {
      timeout: 60_000,
    }, async () => {
      const before = await incidentsInCells(f.operator);
      const gate = deferred();
      let reading = false;
      const keeper = new CellKeeper(s.ctx.db, {
        operations: async () => {
          reading = true;
          await gate.promise;
          return {};
        },
      });
      const reconcile = keeper.reconcile();
      // Its reads of incidents, exposures and public reports are done: they saw `before`.
      await until('the reconcile to reach its last read', () => reading);
      const token = await f.token(f.operator, 'analyst');
      const r = await call(s, token, 'POST', '/api/v1/incidents', {
        title: 'Filed while the figures are reconciled',
        category: 'enisa:intrusions',
        grade: 'general',
        awareAt: new Date(Date.now() - 3_600_000).toISOString(),
        impact: {},
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // The incremental rebuild of this keeper, with its reconcile still open.
      keeper.changed(f.operator);
      await keeper.flush();
      assert.equal(await incidentsInCells(f.operator), before + 1, 'rebuilt while the reconcile reads');
      // The server's own keeper heard the event too: its rebuild is done before the reconcile writes.
      await s.ctx.metrics.cellKeeper.settle();
      gate.resolve();
      await reconcile;
      assert.equal(await incidentsInCells(f.operator), before + 1, 'the reconcile left the newer cells');
      // A reconcile with nothing overlapping writes the same figure from the base tables.
      await keeper.reconcile();
      assert.equal(await incidentsInCells(f.operator), before + 1);
    });
  });
}
