// Statutory report documents (issue 10) through the real HTTP stack on both databases: a filed
// stage carries the filed values and its ledger receipt, an unfiled one is a draft naming the
// missing fields and the deadline, the incident's access rule applies (another organization gets
// 404), an unknown stage is a 404 problem, and a drill is labelled.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
const CONTENT = {
  summary: 'Pump controllers unreachable from the control room',
  systems: 'SCADA front-end, 3 PLCs',
  impact: 'Manual operation of two pumping stations',
  measures: 'Segment isolated, vendor engaged',
  contact: 'Duty officer, +86 10 5555 0100',
};

for (const kind of testDatabaseKinds()) {
  describe(`statutory report documents on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let op: string;
    let regulator: string;
    let other: string;
    let province: string;
    let incident: Json;
    const doc = (token: string, id: string, stage: string) =>
      call(s, token, 'GET', `/api/v1/incidents/${id}/reports/${encodeURIComponent(stage)}/document`);

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s);
      op = await f.token(f.operator, 'analyst');
      regulator = await f.token(f.regulator, 'analyst');
      other = await f.token(f.otherOperator, 'analyst');
      province = await f.token(f.province, 'analyst');
      const r = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Pump controllers unreachable',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: ago(0.25),
        occurredAt: ago(0.5),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incident = r.body;
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an unfiled stage is a draft: every required field missing, the deadline and the recipient', async () => {
      const r = await doc(op, incident.id, 'initial-cii');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const d = r.body;
      assert.equal(d.format, 'bulwark.statutory-report/1');
      assert.equal(d.state, 'draft');
      assert.deepEqual(
        d.fields.map((x: Json) => [x.key, x.value, x.missing]),
        ['summary', 'systems', 'impact', 'measures', 'contact'].map((k) => [k, null, true]),
      );
      const owed = incident.obligations.find((o: Json) => o.stage === 'initial-cii');
      assert.equal(d.due, owed.due);
      assert.equal(d.recipient.kind, 'sector-regulator');
      assert.equal(d.recipient.org, f.regulator);
      assert.equal(d.recipient.name, `Water regulator BW-X`);
      assert.equal(d.filedAt, null);
      assert.equal(d.filedBy, null);
      assert.equal(d.onTime, null);
      assert.equal(d.ledger, null);
      assert.equal(d.overdue, false);
      assert.equal(d.regime.id, 'cn-2025');
      assert.equal(d.regime.version, incident.regimeVersion);
      assert.ok(d.regime.sources[0].title.includes('art. 4'));
      assert.equal(d.stage.filer, 'operator');
      assert.equal(d.incident.id, incident.id);
      assert.equal(d.incident.category, 'enisa:intrusions');
      assert.match(d.incident.categoryLabel, /Intrusion/i);
      assert.equal(d.incident.grade, 'relatively-major');
      assert.equal(d.incident.awareAt, incident.awareAt);
      assert.equal(d.incident.occurredAt, incident.occurredAt);
      assert.equal(d.exercise, false);
      assert.equal(d.exerciseNotice, null);
    });

    test('a filed stage carries the filed values, filer, time, timeliness and its ledger receipt', async () => {
      const filed = await call(s, op, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
        stage: 'initial-cii',
        content: CONTENT,
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      // The recipient (the sector regulator) reads the same document.
      for (const t of [op, regulator]) {
        const r = await doc(t, incident.id, 'initial-cii');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const d = r.body;
        assert.equal(d.state, 'filed');
        assert.deepEqual(Object.fromEntries(d.fields.map((x: Json) => [x.key, x.value])), CONTENT);
        assert.ok(d.fields.every((x: Json) => x.missing === false));
        assert.equal(d.filedAt, filed.body.filedAt);
        assert.deepEqual(d.filedBy, filed.body.filedBy);
        assert.equal(d.onTime, true);
        assert.equal(d.report, filed.body.id);
        assert.deepEqual(d.ledger, filed.body.receipt);
        assert.equal(d.ledger.kind, 'incident-report');
      }
    });

    test('a stage of the regime this incident does not owe says so', async () => {
      const r = await doc(op, incident.id, 'initial-agency');
      assert.equal(r.status, 200);
      assert.equal(r.body.state, 'not-owed');
      assert.equal(r.body.due, null);
    });

    test('another organization gets 404, as for the incident itself', async () => {
      assert.equal((await doc(op, incident.id, 'initial-cii')).status, 200, 'its own organization sees it');
      const r = await doc(other, incident.id, 'initial-cii');
      assert.equal(r.status, 404);
      assert.match(r.type ?? '', /application\/problem\+json/);
      assert.equal((await call(s, other, 'GET', `/api/v1/incidents/${incident.id}`)).status, 404);
    });

    test('an unknown stage of the regime is a 404 problem', async () => {
      const r = await doc(op, incident.id, 'no-such-stage');
      assert.equal(r.status, 404);
      assert.match(r.type ?? '', /application\/problem\+json/);
      assert.equal(r.body.status, 404);
      assert.match(r.body.detail, /no-such-stage/);
      assert.match(r.body.detail, /cn-2025/, "names the incident's regime");
    });

    test('a drill is labelled as one', async () => {
      const d = await call(s, province, 'POST', '/api/v1/incidents', {
        org: f.operator,
        exercise: true,
        title: 'Drill: ransomware',
        category: 'enisa:malicious-code',
        grade: 'major',
        awareAt: ago(0),
      });
      assert.equal(d.status, 201, JSON.stringify(d.body));
      const r = await doc(op, d.body.id, 'initial-cii');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.exercise, true);
      assert.equal(r.body.incident.exercise, true);
      assert.match(r.body.exerciseNotice, /EXERCISE/);
      assert.equal(r.body.state, 'draft');
    });
  });
}
