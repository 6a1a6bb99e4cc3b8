// The grading checklist through the API, on PGlite and PostgreSQL: the suggestion under the
// organization's regime with the criteria that fired, another regime on request, bad figures
// refused with 400, another organization's checklist 404 to a stranger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from './support.ts';

for (const kind of testDatabaseKinds()) {
  describe(`grading checklist on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      fed = await makeFederation(s, 'BW-GR');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('suggests a grade from impact figures with the criteria that fired', async () => {
      const op = await fed.token(fed.operator, 'reporter');
      const r = await call(
        s,
        op,
        'GET',
        '/api/v1/incidents/grading?outageHours=2.5&recordsLeaked=2000000&peopleAffected=50',
      );
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.regime, 'cn-2025');
      assert.equal(r.body.grade, 'major');
      assert.deepEqual(
        r.body.fired.map((f: { figure: string; grade: string }) => [f.figure, f.grade]),
        [
          ['outageHours', 'major'],
          ['recordsLeaked', 'relatively-major'],
        ],
      );
      assert.equal(r.body.checklist.criteria.length, 9);

      // The guide's further criteria: main functions' outage, a province's population, important data.
      const more = await call(
        s,
        op,
        'GET',
        '/api/v1/incidents/grading?mainFunctionOutageHours=6&cityPopulationSharePercent=35&provincePopulationSharePercent=30&importantDataThreat=2',
      );
      assert.equal(more.status, 200, JSON.stringify(more.body));
      assert.equal(more.body.grade, 'particularly-major');
      assert.deepEqual(
        more.body.fired.map((f: { figure: string; grade: string }) => [f.figure, f.grade]),
        [
          ['provincePopulationSharePercent', 'particularly-major'],
          ['mainFunctionOutageHours', 'major'],
          ['importantDataThreat', 'major'],
          ['cityPopulationSharePercent', 'relatively-major'],
        ],
      );
      const threat = r.body.checklist.criteria.find(
        (c: { figure: string }) => c.figure === 'importantDataThreat',
      );
      assert.equal(threat.choices.length, 4);
      assert.match(r.body.checklist.source.title, /国家网络安全事件报告管理办法/);

      const none = await call(s, op, 'GET', '/api/v1/incidents/grading');
      assert.equal(none.body.grade, 'general');
      const circia = await call(s, op, 'GET', '/api/v1/incidents/grading?regime=us-circia&directLoss=1e9');
      assert.equal(circia.body.grade, 'general');
      assert.equal(circia.body.checklist, null);
    });

    test('bad figures are 400, a stranger asking for an organization it does not see 404', async () => {
      const op = await fed.token(fed.operator, 'reporter');
      for (const q of [
        'outageHours=-1',
        'peopleAffected=1.5',
        'directLoss=abc',
        'regime=xx',
        'other=1',
        'importantDataThreat=4',
        'importantDataThreat=1.5',
        'cityPopulationSharePercent=101',
        'provincePopulationSharePercent=-1',
      ])
        assert.equal((await call(s, op, 'GET', `/api/v1/incidents/grading?${q}`)).status, 400, q);
      const stranger = await fed.token(fed.otherOperator, 'admin');
      const r = await call(s, stranger, 'GET', `/api/v1/incidents/grading?org=${fed.operator}`);
      assert.equal(r.status, 404);
    });
  });
}
