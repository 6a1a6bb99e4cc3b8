// Intermediate reports on request (NIS2 art. 23(4)(c)), on PGlite and PostgreSQL: eu-nis2's
// `intermediate` stage has no deadline until an authority that sees the incident (its regional
// authorities, its sector regulator, the centre; roles analyst, responder, admin) requests it with
// POST /api/v1/incidents/{id}/requests; then it is due 72 hours after the request. The request lands
// in the timeline and the ledger; the operator may not request (403), an unrelated organization does
// not see the incident (404), a stage not on request is 422, a second request 409; a refusal writes
// nothing; filing the stage's report satisfies it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

const HOUR = 3_600_000;

for (const kind of testDatabaseKinds()) {
  describe(`intermediate reports on request on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      fed = await makeFederation(s, 'BW-RQ');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    /** A NIS2 incident of the water operator (an essential entity: it is critical). */
    const open = async (grade = 'relatively-major'): Promise<Json> => {
      const op = await fed.token(fed.operator, 'reporter');
      const r = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Dosing pumps erratic',
        category: 'gbt:malware',
        grade,
        awareAt: new Date(Date.now() - 30 * 60_000).toISOString(),
        regime: 'eu-nis2',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    const intermediate = (i: Json): Json => i.obligations.find((o: Json) => o.stage === 'intermediate');
    /** Everything a request writes: the incident's version, its obligations, timeline and commitments. */
    const written = async (id: string) => ({
      incident: (
        await tdb.db.query(
          'SELECT version_no AS v, next_due AS d, updated_at AS u FROM incidents WHERE id = $1',
          [id],
        )
      ).rows,
      obligations: (
        await tdb.db.query(
          'SELECT stage, due, requested_at AS r, satisfied_at AS s FROM incident_obligations WHERE incident_id = $1 ORDER BY stage',
          [id],
        )
      ).rows,
      events: Number(
        (
          await tdb.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1',
            [id],
          )
        ).rows[0]!.n,
      ),
      commitments: Number(
        (
          await tdb.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'incident' AND record_id = $1`,
            [id],
          )
        ).rows[0]!.n,
      ),
    });

    test('the stage is on request: no deadline, "on request", until an authority asks', async () => {
      const i = await open();
      const o = intermediate(i);
      assert.ok(o, JSON.stringify(i.obligations));
      assert.equal(o.due, null);
      assert.equal(o.onRequest, true);
      assert.equal(o.requestedAt, null);
      assert.equal(o.overdue, false);
      assert.match(o.anchor, /^on request/);
      assert.equal(o.recipient, 'centre');
      assert.equal(o.filer, 'operator');
      // Other stages are not on request.
      assert.equal(i.obligations.find((x: Json) => x.stage === 'notification').onRequest, false);
    });

    test('a request by the city (analyst) starts the clock: due = request + 72 h, in the timeline and the ledger', async () => {
      const i = await open();
      const before = await written(i.id);
      const city = await fed.token(fed.city, 'analyst');
      const t0 = Date.now();
      const r = await call(s, city, 'POST', `/api/v1/incidents/${i.id}/requests`, {
        stage: 'intermediate',
        note: 'Status of the dosing control, please.',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.id, i.id);
      const o = intermediate(r.body);
      const at = Date.parse(o.requestedAt);
      assert.ok(at >= t0 - 1000 && at <= Date.now() + 1000, o.requestedAt);
      assert.equal(Date.parse(o.due) - at, 72 * HOUR);
      assert.match(o.anchor, /72 hours after the request/);
      assert.equal(o.satisfiedAt, null);
      // The other deadlines did not move.
      for (const stage of ['early-warning', 'notification'])
        assert.equal(
          r.body.obligations.find((x: Json) => x.stage === stage).due,
          i.obligations.find((x: Json) => x.stage === stage).due,
          stage,
        );
      // Read back: stored, not only answered.
      const got = await call(s, city, 'GET', `/api/v1/incidents/${i.id}`);
      assert.equal(intermediate(got.body).due, o.due);
      const tl = await call(s, city, 'GET', `/api/v1/incidents/${i.id}/timeline`);
      const entry = tl.body.items.find((e: Json) => e.kind === 'requested');
      assert.ok(entry, JSON.stringify(tl.body.items.map((e: Json) => e.kind)));
      assert.equal(entry.data.stage, 'intermediate');
      assert.equal(entry.data.note, 'Status of the dosing control, please.');
      assert.equal(entry.data.due, o.due);
      assert.equal(entry.actor.org, fed.city);
      const now = await written(i.id);
      assert.equal(now.commitments, before.commitments + 1);
      assert.equal(now.events, before.events + 1);
    });

    test('the sector regulator and the centre may request too (responder, admin)', async () => {
      for (const [org, role] of [
        [fed.regulator, 'responder'],
        [fed.root, 'admin'],
      ] as const) {
        const i = await open();
        const r = await call(s, await fed.token(org, role), 'POST', `/api/v1/incidents/${i.id}/requests`, {
          stage: 'intermediate',
        });
        assert.equal(r.status, 201, `${role}: ${JSON.stringify(r.body)}`);
        assert.ok(intermediate(r.body).due);
      }
    });

    test('refusals are problem+json and write nothing: 403 operator or read-only role, 404 unseen, 422 stage, 409 twice', async () => {
      const i = await open();
      const url = `/api/v1/incidents/${i.id}/requests`;
      const body = { stage: 'intermediate' };
      const cases: [string, string, unknown, number][] = [
        ['operator admin', await fed.token(fed.operator, 'admin'), body, 403],
        ['operator reporter', await fed.token(fed.operator, 'reporter'), body, 403],
        ['city viewer', await fed.token(fed.city, 'viewer'), body, 403],
        ['city reporter', await fed.token(fed.city, 'reporter'), body, 403],
        ['regulator auditor', await fed.token(fed.regulator, 'auditor'), body, 403],
        ['unrelated operator', await fed.token(fed.otherOperator, 'admin'), body, 404],
        ['other city', await fed.token(fed.otherCity, 'analyst'), body, 404],
        ['unknown stage', await fed.token(fed.city, 'analyst'), { stage: 'interim' }, 422],
        ['stage not on request', await fed.token(fed.city, 'analyst'), { stage: 'notification' }, 422],
      ];
      const before = await written(i.id);
      for (const [name, token, b, status] of cases) {
        const r = await call(s, token, 'POST', url, b);
        assert.equal(r.status, status, `${name}: ${JSON.stringify(r.body)}`);
        assert.match(r.type ?? '', /application\/problem\+json/, name);
        assert.equal(r.body.status, status, name);
        if (status === 422) assert.equal(r.body.errors?.[0]?.pointer, '/stage', name);
      }
      for (const [name, b] of [
        ['no stage', {}],
        ['stage not text', { stage: 7 }],
        ['extra field', { stage: 'intermediate', due: '2030-01-01T00:00:00Z' }],
      ] as const) {
        const r = await call(s, await fed.token(fed.city, 'analyst'), 'POST', url, b);
        assert.equal(r.status, 400, name);
        assert.match(r.type ?? '', /application\/problem\+json/, name);
      }
      assert.deepEqual(await written(i.id), before);
      // A second request before the report is filed: 409, and the first request's clock stands.
      const city = await fed.token(fed.city, 'analyst');
      const first = await call(s, city, 'POST', url, body);
      assert.equal(first.status, 201);
      const afterFirst = await written(i.id);
      const again = await call(s, await fed.token(fed.regulator, 'analyst'), 'POST', url, body);
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.match(again.type ?? '', /application\/problem\+json/);
      assert.deepEqual(await written(i.id), afterFirst);
    });

    test('not owed at grade general: 422', async () => {
      const i = await open('general');
      assert.equal(intermediate(i), undefined);
      const r = await call(
        s,
        await fed.token(fed.city, 'analyst'),
        'POST',
        `/api/v1/incidents/${i.id}/requests`,
        {
          stage: 'intermediate',
        },
      );
      assert.equal(r.status, 422, JSON.stringify(r.body));
    });

    test("filing the stage's report satisfies the request; a request after it is 409", async () => {
      const i = await open();
      const city = await fed.token(fed.city, 'analyst');
      const url = `/api/v1/incidents/${i.id}/requests`;
      assert.equal((await call(s, city, 'POST', url, { stage: 'intermediate' })).status, 201);
      const op = await fed.token(fed.operator, 'reporter');
      const filed = await call(s, op, 'POST', `/api/v1/incidents/${i.id}/reports`, {
        stage: 'intermediate',
        content: { summary: 'Dosing on manual control.', statusUpdate: 'PLC reimaged; monitoring.' },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      assert.equal(filed.body.late, false);
      const got = await call(s, city, 'GET', `/api/v1/incidents/${i.id}`);
      const o = intermediate(got.body);
      assert.equal(o.satisfiedAt, filed.body.filedAt);
      assert.equal(o.report, filed.body.id);
      assert.equal(o.overdue, false);
      assert.ok(o.requestedAt);
      const again = await call(s, city, 'POST', url, { stage: 'intermediate' });
      assert.equal(again.status, 409, JSON.stringify(again.body));
    });
  });
}
