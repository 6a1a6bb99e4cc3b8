// An incident event rebuilds the metric cells of one part: its organization's incidents created in
// the same month (with their reports and obligations), not the organization's whole history. The
// test plants a wrong figure in another month's cells: a rebuild of this month's part leaves it,
// a report filed today on the older incident rebuilds that incident's month and corrects it, and
// the cells the events built equal the ones a full reconcile builds. On PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from '../incidents/support.ts';

for (const kind of testDatabaseKinds()) {
  describe(`metric cells rebuilt by the part an event names, on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let op: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s, 'BW-K');
      op = await f.token(f.operator, 'analyst');
      await s.ctx.metrics.cellKeeper.settle();
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const q = async (sql: string, params: unknown[]) =>
      Number((await s.ctx.db.query<{ n: number }>(sql, params)).rows[0]!.n);
    const MONTH = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const inCells = (month: string) =>
      q(
        'SELECT coalesce(sum(incidents), 0)::int AS n FROM metric_incident_cells WHERE org_id = $1 AND month = $2',
        [f.operator, month],
      );
    const inBase = (month: string) =>
      q(
        `SELECT count(*)::int AS n FROM incidents
         WHERE org_id = $1 AND NOT exercise AND status <> 'draft' AND ${MONTH} = $2`,
        [f.operator, month],
      );
    const file = async (grade: string) => {
      const r = await call(s, op, 'POST', '/api/v1/incidents', {
        title: `A ${grade} incident`,
        category: 'enisa:intrusions',
        grade,
        awareAt: new Date(Date.now() - 600_000).toISOString(),
        impact: {},
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const cellsOfOrg = async () => {
      const rows = async (table: string) =>
        (await s.ctx.db.query(`SELECT * FROM ${table} WHERE org_id = $1`, [f.operator])).rows
          .map((r) => JSON.stringify(r, Object.keys(r).sort()))
          .sort();
      return {
        incidents: await rows('metric_incident_cells'),
        reports: await rows('metric_report_cells'),
        obligations: await rows('metric_obligation_cells'),
      };
    };

    test('a write rebuilds its month; a report on an older incident rebuilds that incident’s month', {
      timeout: 120_000,
    }, async () => {
      const older = await file('major');
      await s.ctx.metrics.cellKeeper.settle();
      // History: the incident moved to a month 70 days back, and the cells built from the base tables.
      await s.ctx.db.query(
        `UPDATE incidents SET created_at = created_at - interval '70 days' WHERE id = $1`,
        [older],
      );
      await s.ctx.metrics.cellKeeper.reconcile();
      const month = async (id: string) =>
        String(
          (await s.ctx.db.query<{ m: string }>(`SELECT ${MONTH} AS m FROM incidents WHERE id = $1`, [id]))
            .rows[0]!.m,
        );
      const then = await month(older);
      assert.equal(await inCells(then), 1);
      const owed = await q(
        `SELECT count(*)::int AS n FROM incident_obligations WHERE incident_id = $1 AND satisfied_at IS NULL AND due IS NOT NULL`,
        [older],
      );
      assert.ok(owed > 0, 'a major incident of a critical operator owes reports');
      // A wrong figure planted in that month's cells: only a rebuild of that month's part removes it.
      await s.ctx.db.query(
        'UPDATE metric_incident_cells SET incidents = incidents + 1000 WHERE org_id = $1 AND month = $2',
        [f.operator, then],
      );

      const recent = await file('general');
      await s.ctx.metrics.cellKeeper.settle();
      const now = await month(recent);
      assert.notEqual(now, then);
      assert.equal(await inCells(now), await inBase(now), 'this month counts the new incident');
      assert.equal(await inCells(then), (await inBase(then)) + 1000, 'the other month was not rebuilt');

      // Filed today, counted under the incident's month: its event names the older incident.
      const filed = await call(s, op, 'POST', `/api/v1/incidents/${older}/reports`, {
        stage: 'initial-cii',
        content: {
          summary: 'Pumps down',
          systems: 'SCADA',
          impact: '3 plants',
          measures: 'isolated',
          contact: 'duty',
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      await s.ctx.metrics.cellKeeper.settle();
      assert.equal(await inCells(then), await inBase(then), 'the older month rebuilt');
      assert.equal(
        await q(
          `SELECT coalesce(sum(reports), 0)::int AS n FROM metric_report_cells
           WHERE org_id = $1 AND incident_month = $2 AND month = $3`,
          [f.operator, then, now],
        ),
        1,
        'the report, filed this month, under its incident’s month',
      );
      assert.equal(
        await q(
          'SELECT coalesce(sum(obligations), 0)::int AS n FROM metric_obligation_cells WHERE org_id = $1 AND month = $2',
          [f.operator, then],
        ),
        owed - 1,
        'the filed stage no longer owed',
      );

      // What the events built is what a full rebuild from the base tables builds.
      const incremental = await cellsOfOrg();
      await s.ctx.metrics.cellKeeper.reconcile();
      assert.deepEqual(await cellsOfOrg(), incremental);
    });
  });
}
