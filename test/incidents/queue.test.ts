// The queue's page and its capped total come from one statement (repo.listIncidents): the total
// is right when the page holds fewer rows than match (limit, offset), when the page is empty
// (offset past the end, a filter nothing matches) and for an actor who sees none of them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

for (const kind of testDatabaseKinds()) {
  describe(`incident queue page and total on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let op: string;
    const ids: string[] = [];

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s, 'BW-QT');
      op = await f.token(f.operator, 'reporter');
      for (const [i, grade] of ['relatively-major', 'major', 'general'].entries()) {
        const r = await call(s, op, 'POST', '/api/v1/incidents', {
          title: `queue ${i}`,
          category: 'enisa:malicious-code',
          grade,
          awareAt: new Date(Date.now() - (i + 1) * 3_600_000).toISOString(),
        });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.push(r.body.id);
      }
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const list = async (token: string, query: string) => {
      const r = await call(s, token, 'GET', `/api/v1/incidents?org=${f.operator}&${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { items: Json[]; total: number };
    };

    test('a page shorter than the matches, and the order by deadline', async () => {
      const all = await list(op, 'limit=10');
      assert.equal(all.total, 3);
      assert.deepEqual(all.items.map((i) => i.id).sort(), [...ids].sort());
      // Earliest open deadline first; the general incident owes nothing and comes last.
      assert.equal(all.items.at(-1)!.id, ids[2]);
      const first = await list(op, 'limit=1');
      assert.equal(first.total, 3);
      assert.deepEqual(
        first.items.map((i) => i.id),
        [all.items[0]!.id],
      );
      const second = await list(op, 'limit=1&offset=1');
      assert.equal(second.total, 3);
      assert.deepEqual(
        second.items.map((i) => i.id),
        [all.items[1]!.id],
      );
    });

    test('an empty page still says how many match', async () => {
      const past = await list(op, 'limit=5&offset=10');
      assert.deepEqual(past.items, []);
      assert.equal(past.total, 3);
      const none = await list(op, 'grade=particularly-major');
      assert.deepEqual(none.items, []);
      assert.equal(none.total, 0);
      const majors = await list(op, 'grade=major,particularly-major&open=true');
      assert.equal(majors.total, 1);
      assert.equal(majors.items[0]!.id, ids[1]);
    });

    test('an unrelated operator sees none of them', async () => {
      const other = await f.token(f.otherOperator, 'analyst');
      const r = await list(other, 'limit=10');
      assert.deepEqual(r.items, []);
      assert.equal(r.total, 0);
    });
  });
}
