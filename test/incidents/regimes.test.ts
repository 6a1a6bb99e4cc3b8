// Regimes as data through the API, on PGlite and PostgreSQL: the shipped regimes are stored as
// version 1 with their ledger commitments; the coordination centre's administrators (and no one
// else) add a regime or edit one into a new version, each committed to the ledger; an incident keeps
// the version it was opened under, so an edit never moves its deadlines, while a new incident
// follows the new version; a regime that does not hold together is refused with 422 naming the
// path, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

const HOUR = 3_600_000;

for (const kind of testDatabaseKinds()) {
  describe(`incident regimes as data on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    let centre: string;
    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      fed = await makeFederation(s, 'BW-RG');
      centre = await fed.token(fed.root, 'admin');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    const commitments = async (id: string) =>
      (
        await tdb.db.query<{ v: number }>(
          `SELECT record_version AS v FROM ledger_commitments
           WHERE record_kind = 'incident-regime' AND record_id = $1 ORDER BY record_version`,
          [id],
        )
      ).rows.map((r) => Number(r.v));
    const versions = async () =>
      Number(
        (await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident_regimes')).rows[0]!.n,
      );
    const cn = async (): Promise<Json> =>
      (await call(s, centre, 'GET', '/api/v1/incidents/regimes/cn-2025')).body.current.definition;

    test('the shipped regimes are stored as version 1, each in the ledger, readable by every role', async () => {
      const viewer = await fed.token(fed.otherOperator, 'viewer');
      const r = await call(s, viewer, 'GET', '/api/v1/incidents/regimes');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.items.map((i: Json) => [i.id, i.version]).sort(), [
        ['cn-2025', 1],
        ['eu-nis2', 1],
        ['us-circia', 1],
      ]);
      const c = r.body.items.find((i: Json) => i.id === 'cn-2025');
      assert.equal(c.definition.stages[0].key, 'initial-cii');
      assert.deepEqual(c.definition.stages[0].delay, { hours: 1 });
      assert.ok(c.definition.grading.criteria.some((k: Json) => k.figure === 'importantDataThreat'));
      assert.equal(c.receipt.href, '/api/v1/ledger/receipts?kind=incident-regime&id=cn-2025&version=1');
      for (const id of ['cn-2025', 'eu-nis2', 'us-circia']) assert.deepEqual(await commitments(id), [1], id);
      const legacy = await call(s, viewer, 'GET', '/api/v1/incident-regimes');
      assert.equal(legacy.status, 200);
      assert.equal(legacy.body.items.length, 3);
      assert.equal(legacy.body.items[0].createdBy, 'bulwark');
    });

    test('only the centre’s administrators write regimes (403), and nothing is written', async () => {
      const def = await cn();
      const before = await versions();
      for (const [org, role] of [
        [fed.root, 'analyst'],
        [fed.province, 'admin'],
        [fed.operator, 'admin'],
        [fed.regulator, 'admin'],
      ] as const) {
        const t = await fed.token(org, role);
        const put = await call(s, t, 'PUT', '/api/v1/incidents/regimes/cn-2025', def);
        assert.equal(put.status, 403, `${role} PUT`);
        const post = await call(s, t, 'POST', '/api/v1/incidents/regimes', { ...def, id: 'mine-2030' });
        assert.equal(post.status, 403, `${role} POST`);
        assert.match(post.type ?? '', /problem\+json/);
      }
      assert.equal(await versions(), before);
    });

    test('an edit is a new version in the ledger; a filed incident keeps its deadlines, a new one follows the edit', async () => {
      const op = await fed.token(fed.operator, 'reporter');
      const awareAt = new Date(Date.now() - 10 * 60_000).toISOString();
      const filed = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Pumps stopped',
        category: 'gbt:malware',
        grade: 'relatively-major',
        awareAt,
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      assert.equal(filed.body.regime, 'cn-2025');
      assert.equal(filed.body.regimeVersion, 1);
      const due1 = filed.body.obligations.find((o: Json) => o.stage === 'initial-cii').due;
      assert.equal(Date.parse(due1) - Date.parse(awareAt), HOUR);

      const def = await cn();
      def.stages[0].delay = { hours: 3 };
      def.grading.criteria.find((k: Json) => k.figure === 'directLoss').thresholds['relatively-major'] =
        1_000;
      const put = await call(s, centre, 'PUT', '/api/v1/incidents/regimes/cn-2025', def);
      assert.equal(put.status, 200, JSON.stringify(put.body));
      assert.equal(put.body.version, 2);
      assert.equal(
        put.body.receipt.href,
        '/api/v1/ledger/receipts?kind=incident-regime&id=cn-2025&version=2',
      );
      assert.deepEqual(await commitments('cn-2025'), [1, 2]);

      // The filed incident, regraded (a recomputation), still counts under version 1.
      const regraded = await call(s, op, 'PATCH', `/api/v1/incidents/${filed.body.id}`, { grade: 'major' });
      assert.equal(regraded.status, 200, JSON.stringify(regraded.body));
      assert.equal(regraded.body.regimeVersion, 1);
      assert.equal(regraded.body.obligations.find((o: Json) => o.stage === 'initial-cii').due, due1);
      assert.equal(
        regraded.body.obligations.find((o: Json) => o.stage === 'initial-cii').anchor,
        '1 hour after awareness',
      );

      // A new incident is opened under version 2.
      const later = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Pumps stopped again',
        category: 'gbt:malware',
        grade: 'relatively-major',
        awareAt,
      });
      assert.equal(later.status, 201, JSON.stringify(later.body));
      assert.equal(later.body.regimeVersion, 2);
      const due2 = later.body.obligations.find((o: Json) => o.stage === 'initial-cii').due;
      assert.equal(Date.parse(due2) - Date.parse(awareAt), 3 * HOUR);
      const preview = await call(
        s,
        op,
        'GET',
        `/api/v1/incidents/preview?grade=major&awareAt=${encodeURIComponent(awareAt)}`,
      );
      assert.equal(preview.body.obligations[0].anchor, '3 hours after awareness');

      // The edited grade threshold is the checklist's now.
      const g = await call(s, op, 'GET', '/api/v1/incidents/grading?directLoss=2000');
      assert.equal(g.body.grade, 'relatively-major', JSON.stringify(g.body));

      // Both versions stay readable.
      const detail = await call(s, op, 'GET', '/api/v1/incidents/regimes/cn-2025');
      assert.equal(detail.body.current.version, 2);
      assert.deepEqual(
        detail.body.versions.map((v: Json) => v.version),
        [1, 2],
      );
      const v1 = await call(s, op, 'GET', '/api/v1/incidents/regimes/cn-2025?version=1');
      assert.deepEqual(v1.body.current.definition.stages[0].delay, { hours: 1 });
      assert.equal((await call(s, op, 'GET', '/api/v1/incidents/regimes/cn-2025?version=9')).status, 404);
    });

    test('a regime that does not hold together is 422 naming the path, and nothing is written', async () => {
      const good = await cn();
      const before = await versions();
      const cases: [string, (d: Json) => void, string][] = [
        [
          'anchor on a later stage',
          (d) => (d.stages[3].anchor = { stage: 'summary' }),
          '/stages/3/anchor/stage',
        ],
        [
          'anchor on an unknown stage',
          (d) => (d.stages[3].anchor = { stage: 'nowhere' }),
          '/stages/3/anchor/stage',
        ],
        ['unknown anchor event', (d) => (d.stages[0].anchor = { event: 'lunch' }), '/stages/0/anchor'],
        ['negative delay', (d) => (d.stages[1].delay = { hours: -2 }), '/stages/1/delay/hours'],
        ['fractional delay', (d) => (d.stages[1].delay = { hours: 1.5 }), '/stages/1/delay/hours'],
        ['no delay', (d) => (d.stages[1].delay = {}), '/stages/1/delay'],
        ['unknown entity type', (d) => (d.stages[0].entities = ['bank']), '/stages/0/entities/0'],
        ['duplicate stage', (d) => (d.stages[2].key = 'initial-cii'), '/stages/2/key'],
        ['no entity types', (d) => (d.entities = []), '/entities'],
        ['unknown grade', (d) => (d.stages[0].grades = ['huge']), '/stages/0/grades/0'],
        [
          'thresholds falling with the grade',
          (d) => (d.grading.criteria[0].thresholds = { 'relatively-major': 5, major: 1 }),
          '/grading/criteria/0/thresholds/major',
        ],
        ['unknown figure', (d) => (d.grading.criteria[0].figure = 'mood'), '/grading/criteria/0/figure'],
        ['missing title', (d) => delete d.title, ''],
        ['unknown field', (d) => (d.stages[0].colour = 'red'), '/stages/0'],
      ];
      for (const [what, spoil, pointer] of cases) {
        const d = structuredClone(good);
        spoil(d);
        const r = await call(s, centre, 'PUT', '/api/v1/incidents/regimes/cn-2025', d);
        assert.equal(r.status, 422, `${what}: ${JSON.stringify(r.body)}`);
        assert.match(r.type ?? '', /problem\+json/);
        assert.ok(
          r.body.errors.some((e: Json) => e.pointer === pointer),
          `${what}: expected ${pointer} in ${JSON.stringify(r.body.errors)}`,
        );
      }
      assert.equal(await versions(), before);
    });

    test('a new regime: 201 as version 1, a second POST 409, a PUT of an unknown one 404, a body of another id 422', async () => {
      const def = await cn();
      const mine = {
        ...def,
        id: 'bw-2030',
        title: 'Bulwark federation rules (2030)',
        stages: def.stages.slice(0, 3),
        grading: null,
      };
      const r = await call(s, centre, 'POST', '/api/v1/incidents/regimes', mine);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.version, 1);
      assert.deepEqual(await commitments('bw-2030'), [1]);
      assert.equal((await call(s, centre, 'POST', '/api/v1/incidents/regimes', mine)).status, 409);
      assert.equal(
        (
          await call(s, centre, 'PUT', '/api/v1/incidents/regimes/nothing-here', {
            ...mine,
            id: 'nothing-here',
          })
        ).status,
        404,
      );
      const other = await call(s, centre, 'PUT', '/api/v1/incidents/regimes/bw-2030', def);
      assert.equal(other.status, 422);
      assert.equal(other.body.errors[0].pointer, '/id');

      // An organization may take it as its regime, and its incidents are filed under it.
      const prof = await call(s, centre, 'PATCH', `/api/v1/incident-profiles/${fed.otherOperator}`, {
        regime: 'bw-2030',
      });
      assert.equal(prof.status, 200, JSON.stringify(prof.body));
      const baker = await fed.token(fed.otherOperator, 'reporter');
      const i = await call(s, baker, 'POST', '/api/v1/incidents', {
        title: 'Ovens offline',
        category: 'gbt:malware',
        grade: 'major',
        awareAt: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(i.status, 201, JSON.stringify(i.body));
      assert.equal(i.body.regime, 'bw-2030');
      assert.deepEqual(
        i.body.obligations.map((o: Json) => o.stage),
        ['initial'],
      );
      const unknown = await call(s, baker, 'POST', '/api/v1/incidents', {
        title: 'x',
        category: 'gbt:malware',
        grade: 'major',
        awareAt: new Date().toISOString(),
        regime: 'no-such-regime',
      });
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.errors[0].pointer, '/regime');
    });
  });
}
