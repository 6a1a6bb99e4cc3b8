// The incidents API through the real HTTP stack on both databases: filing, the obligations of the
// deadline engine, visibility through the shared access rule (the regional authorities, the sector
// regulator and the centre see an operator's incident; an unrelated operator gets 404), regrading
// (recomputed obligations, escalation at the centre), overdue, statutory reports with ledger
// receipts, the timeline with the grade history, tasks, drills, and refused inputs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

for (const kind of testDatabaseKinds()) {
  describe(`incidents API on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let op: string;
    let city: string;
    let province: string;
    let regulator: string;
    let centre: string;
    let other: string;
    let incident: Json;
    const escalations: Json[] = [];

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s);
      op = await f.token(f.operator, 'analyst');
      city = await f.token(f.city, 'responder');
      province = await f.token(f.province, 'analyst');
      regulator = await f.token(f.regulator, 'analyst');
      centre = await f.token(f.root, 'admin');
      other = await f.token(f.otherOperator, 'analyst');
      s.ctx.events.subscribe('incident.escalated', (e) => void escalations.push(e as unknown as Json));
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an operator files an incident and gets its obligations', async () => {
      const aware = ago(0.25);
      const r = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Pump controllers unreachable',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: aware,
        impact: { outageHours: 1, peopleAffected: 5000 },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      incident = r.body;
      assert.equal(incident.org, f.operator);
      assert.equal(incident.status, 'reported');
      assert.equal(
        incident.entityType,
        'cii-operator',
        'the critical flag makes a CII operator under cn-2025',
      );
      assert.equal(incident.exercise, false);
      assert.deepEqual(
        incident.obligations.map((o: Json) => o.stage),
        ['initial-cii', 'summary'],
      );
      const initial = incident.obligations[0];
      assert.equal(new Date(initial.due).getTime(), new Date(aware).getTime() + HOUR);
      assert.equal(initial.recipientOrg, f.regulator, "the protection department is the sector's regulator");
      assert.equal(initial.overdue, false);
      assert.equal(incident.nextDue, initial.due);
      assert.equal(incident.escalated, false);
    });

    test('it appears in the queues of its regional authorities, its sector regulator and the centre', async () => {
      for (const t of [op, city, province, regulator, centre]) {
        const r = await call(s, t, 'GET', `/api/v1/incidents?org=${f.operator}`);
        assert.equal(r.status, 200);
        assert.deepEqual(
          r.body.items.map((i: Json) => i.id),
          [incident.id],
        );
        assert.equal((await call(s, t, 'GET', `/api/v1/incidents/${incident.id}`)).status, 200);
      }
    });

    test('an unrelated operator gets 404 and an empty queue', async () => {
      const r = await call(s, other, 'GET', `/api/v1/incidents/${incident.id}`);
      assert.equal(r.status, 404);
      assert.match(r.type ?? '', /application\/problem\+json/);
      assert.equal((await call(s, other, 'GET', `/api/v1/incidents/${incident.id}/timeline`)).status, 404);
      assert.equal(
        (await call(s, other, 'PATCH', `/api/v1/incidents/${incident.id}`, { grade: 'general' })).status,
        404,
      );
      const list = await call(s, other, 'GET', '/api/v1/incidents');
      assert.equal(
        list.body.items.some((i: Json) => i.id === incident.id),
        false,
      );
      const cityOther = await f.token(f.otherCity, 'analyst');
      assert.equal((await call(s, cityOther, 'GET', `/api/v1/incidents/${incident.id}`)).status, 404);
    });

    test('graded major, it escalates to the centre and owes the onward report', async () => {
      const r = await call(s, city, 'PATCH', `/api/v1/incidents/${incident.id}`, {
        grade: 'major',
        note: 'Two more plants affected',
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.grade, 'major');
      assert.equal(r.body.escalated, true);
      const stages = r.body.obligations.map((o: Json) => o.stage);
      assert.deepEqual(stages.slice(0, 2), ['initial-cii', 'onward-cii']);
      const onward = r.body.obligations.find((o: Json) => o.stage === 'onward-cii');
      assert.equal(onward.recipientOrg, f.root);
      assert.equal(
        new Date(onward.due).getTime() - new Date(r.body.obligations[0].due).getTime(),
        30 * 60_000,
      );
      const alerts = await call(s, centre, 'GET', '/api/v1/incidents?escalated=true');
      assert.ok(alerts.body.items.some((i: Json) => i.id === incident.id));
      // The event is published after the commit.
      for (let i = 0; i < 50 && !escalations.some((e) => e.data.incident === incident.id); i++)
        await new Promise((res) => setTimeout(res, 20));
      const e = escalations.find((x) => x.data.incident === incident.id);
      assert.ok(e, 'incident.escalated published');
      assert.deepEqual(
        e.data.onward.map((o: Json) => o.stage),
        ['onward-cii'],
      );
      // Only the centre acknowledges.
      assert.equal(
        (await call(s, city, 'PATCH', `/api/v1/incidents/${incident.id}`, { acknowledgeAlert: true })).status,
        403,
      );
      const ack = await call(s, centre, 'PATCH', `/api/v1/incidents/${incident.id}`, {
        acknowledgeAlert: true,
      });
      assert.equal(ack.status, 200);
      assert.ok(ack.body.alertAcknowledgedAt);
      const after = await call(s, centre, 'GET', '/api/v1/incidents?escalated=true');
      assert.equal(
        after.body.items.some((i: Json) => i.id === incident.id),
        false,
      );
    });

    test('statutory reports: required content, the right filer, once, each with a ledger receipt', async () => {
      const missing = await call(s, op, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
        stage: 'initial-cii',
        content: { summary: 'Pumps down' },
      });
      assert.equal(missing.status, 422);
      assert.deepEqual(missing.body.errors.map((e: Json) => e.pointer).sort(), [
        '/content/contact',
        '/content/impact',
        '/content/measures',
        '/content/systems',
      ]);
      const content = {
        summary: 'Pumps down',
        systems: 'SCADA',
        impact: '3 plants',
        measures: 'isolated',
        contact: 'duty',
      };
      // The onward report is the authority's to file, and the operator's initial one is not the regulator's.
      assert.equal(
        (
          await call(s, op, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
            stage: 'onward-cii',
            content: { summary: 'x', impact: 'y', assessment: 'z' },
          })
        ).status,
        403,
      );
      assert.equal(
        (
          await call(s, regulator, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
            stage: 'initial-cii',
            content,
          })
        ).status,
        403,
      );
      const filed = await call(s, op, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
        stage: 'initial-cii',
        content,
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      assert.equal(filed.body.late, false);
      assert.equal(filed.body.receipt.kind, 'incident-report');
      assert.equal(
        (
          await call(s, op, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
            stage: 'initial-cii',
            content,
          })
        ).status,
        409,
      );
      // The onward report now counts from the submission.
      const now = await call(s, op, 'GET', `/api/v1/incidents/${incident.id}`);
      const initial = now.body.obligations.find((o: Json) => o.stage === 'initial-cii');
      const onward = now.body.obligations.find((o: Json) => o.stage === 'onward-cii');
      assert.equal(initial.satisfiedAt, filed.body.filedAt);
      assert.equal(initial.report, filed.body.id);
      assert.equal(new Date(onward.due).getTime(), new Date(filed.body.filedAt).getTime() + 30 * 60_000);
      assert.match(onward.anchor, /initial-cii report \(filed\)/);
      const byRegulator = await call(s, regulator, 'POST', `/api/v1/incidents/${incident.id}/reports`, {
        stage: 'onward-cii',
        content: { summary: 'Water works intrusion', impact: '3 plants', assessment: 'contained' },
      });
      assert.equal(byRegulator.status, 201);
      // The receipt: the ledger serves it once the sequencer has integrated the entry.
      let receipt = { status: 0, body: {} as Json };
      for (let i = 0; i < 100; i++) {
        receipt = await call(s, op, 'GET', filed.body.receipt.href);
        if (receipt.status === 200) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
      assert.equal(receipt.body.entry?.kind ?? receipt.body.kind ?? 'incident-report', 'incident-report');
      assert.equal((await call(s, other, 'GET', filed.body.receipt.href)).status, 404);
      const reports = await call(s, city, 'GET', `/api/v1/incidents/${incident.id}/reports`);
      assert.deepEqual(
        reports.body.items.map((r: Json) => r.stage),
        ['initial-cii', 'onward-cii'],
      );
    });

    test('the timeline keeps every change with its actor, including the grade history', async () => {
      const r = await call(s, province, 'GET', `/api/v1/incidents/${incident.id}/timeline`);
      assert.equal(r.status, 200);
      const kinds = r.body.items.map((e: Json) => e.kind);
      assert.deepEqual(kinds, ['filed', 'graded', 'escalated', 'acknowledged', 'report', 'report']);
      const graded = r.body.items.find((e: Json) => e.kind === 'graded');
      assert.deepEqual(
        [graded.data.from, graded.data.to, graded.data.note],
        ['relatively-major', 'major', 'Two more plants affected'],
      );
      assert.equal(graded.actor.org, f.city);
      const c = await call(s, regulator, 'POST', `/api/v1/incidents/${incident.id}/timeline`, {
        text: 'Regulator on site.',
      });
      assert.equal(c.status, 201);
      assert.equal(c.body.kind, 'comment');
    });

    test('overdue: a deadline passed without its report, and the overdue filter finds it', async () => {
      const late = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Late one',
        category: 'gbt:malware',
        grade: 'major',
        awareAt: ago(2),
      });
      assert.equal(late.status, 201);
      assert.equal(late.body.overdue, true);
      assert.equal(late.body.obligations[0].overdue, true);
      for (const t of [city, regulator, centre]) {
        const q = await call(s, t, 'GET', `/api/v1/incidents?overdue=true&org=${f.operator}`);
        assert.deepEqual(
          q.body.items.map((i: Json) => i.id),
          [late.body.id],
        );
      }
      // Filed late: satisfied, marked late, no longer overdue — but the onward report now is due.
      const filed = await call(s, op, 'POST', `/api/v1/incidents/${late.body.id}/reports`, {
        stage: 'initial-cii',
        content: { summary: 's', systems: 's', impact: 'i', measures: 'm', contact: 'c' },
      });
      assert.equal(filed.body.late, true);
      const again = await call(s, op, 'GET', `/api/v1/incidents/${late.body.id}`);
      assert.equal(again.body.obligations.find((o: Json) => o.stage === 'initial-cii').late, true);
      assert.equal(again.body.overdue, false);
    });

    test('the queue is sorted by the earliest open deadline', async () => {
      const r = await call(s, centre, 'GET', `/api/v1/incidents?region=BW-X`);
      const dues = r.body.items.map((i: Json) => i.nextDue).filter((d: string | null) => d !== null);
      assert.deepEqual(dues, [...dues].sort());
      assert.ok(r.body.total >= 2);
    });

    test('workflow: moves in order, refuses the impossible ones with 422', async () => {
      const bad = await call(s, op, 'PATCH', `/api/v1/incidents/${incident.id}`, { status: 'closed' });
      assert.equal(bad.status, 422);
      for (const [t, status] of [
        [city, 'triaged'],
        [op, 'responding'],
        [op, 'recovered'],
        [centre, 'closed'],
        [province, 'responding'],
      ] as const) {
        const r = await call(s, t, 'PATCH', `/api/v1/incidents/${incident.id}`, { status });
        assert.equal(r.status, 200, `${status}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.status, status);
      }
      const r = await call(s, op, 'GET', `/api/v1/incidents/${incident.id}`);
      assert.equal(r.body.closedAt, null, 'reopened');
      assert.ok(r.body.recoveredAt, 'recovery is remembered');
      // Recovery anchors the summary report (5 working days).
      assert.ok(r.body.obligations.find((o: Json) => o.stage === 'summary').due);
    });

    test('tasks: assigned to an organization that sees the incident, worked by its assignee', async () => {
      const t = await call(s, centre, 'POST', `/api/v1/incidents/${incident.id}/tasks`, {
        title: 'Send a response team',
        org: f.city,
        owner: 'Team lead',
        due: new Date(Date.now() + 4 * HOUR).toISOString(),
      });
      assert.equal(t.status, 201, JSON.stringify(t.body));
      assert.equal(t.body.org, f.city);
      const wrong = await call(s, centre, 'POST', `/api/v1/incidents/${incident.id}/tasks`, {
        title: 'x',
        org: f.otherOperator,
      });
      assert.equal(wrong.status, 422);
      const u = await call(s, city, 'PATCH', `/api/v1/incidents/${incident.id}/tasks/${t.body.id}`, {
        status: 'in-progress',
      });
      assert.equal(u.status, 200);
      assert.equal(u.body.status, 'in-progress');
      const viewer = await f.token(f.operator, 'viewer');
      assert.equal(
        (
          await call(s, viewer, 'PATCH', `/api/v1/incidents/${incident.id}/tasks/${t.body.id}`, {
            status: 'done',
          })
        ).status,
        403,
      );
      const list = await call(s, op, 'GET', `/api/v1/incidents/${incident.id}/tasks`);
      assert.deepEqual(
        list.body.items.map((x: Json) => [x.title, x.status]),
        [['Send a response team', 'in-progress']],
      );
    });

    test('drills: launched by a coordinating organization, labelled, excluded from the overview', async () => {
      const before = await call(s, centre, 'GET', '/api/v1/incidents/summary');
      const d = await call(s, province, 'POST', '/api/v1/incidents', {
        org: f.operator,
        exercise: true,
        title: 'Drill: ransomware',
        category: 'enisa:malicious-code',
        grade: 'major',
        awareAt: ago(0),
      });
      assert.equal(d.status, 201, JSON.stringify(d.body));
      assert.equal(d.body.exercise, true);
      assert.equal(d.body.org, f.operator);
      assert.ok(d.body.obligations.length > 0, 'the same clocks run');
      const after = await call(s, centre, 'GET', '/api/v1/incidents/summary');
      const count = (x: Json) => x.rows.reduce((n: number, r: Json) => n + r.count, 0);
      assert.equal(count(after.body), count(before.body));
      assert.equal(after.body.exercises, before.body.exercises + 1);
      assert.deepEqual(
        (await call(s, centre, 'GET', `/api/v1/incidents?exercise=true&org=${f.operator}`)).body.items.map(
          (i: Json) => i.id,
        ),
        [d.body.id],
      );
      // A real incident for another organization is refused; an unrelated operator cannot launch drills there.
      assert.equal(
        (
          await call(s, province, 'POST', '/api/v1/incidents', {
            org: f.operator,
            title: 'x',
            category: 'gbt:other',
            grade: 'general',
            awareAt: ago(0),
          })
        ).status,
        422,
      );
      assert.equal(
        (
          await call(s, other, 'POST', '/api/v1/incidents', {
            org: f.operator,
            exercise: true,
            title: 'x',
            category: 'gbt:other',
            grade: 'general',
            awareAt: ago(0),
          })
        ).status,
        404,
      );
    });

    test('refused inputs: unknown fields, bad category, future awareness, bad grade', async () => {
      const base = { title: 't', category: 'gbt:other', grade: 'general', awareAt: ago(0) };
      for (const [body, status] of [
        [{ ...base, extra: 1 }, 400],
        [{ ...base, category: 'nope' }, 400],
        [{ ...base, grade: 'huge' }, 400],
        [{ ...base, awareAt: 'yesterday' }, 400],
        [{ ...base, awareAt: new Date(Date.now() + 48 * HOUR).toISOString() }, 422],
        [{ ...base, occurredAt: ago(-1), awareAt: ago(1) }, 422],
        [{ ...base, title: 'a\u202Eb' }, 400],
      ] as const) {
        const r = await call(s, op, 'POST', '/api/v1/incidents', body);
        assert.equal(r.status, status, JSON.stringify(body));
        assert.match(r.type ?? '', /problem\+json/);
      }
    });

    test('profiles: an administrator sets the time zone; deadlines are shown on that wall clock', async () => {
      const viewerTok = await f.token(f.province, 'viewer');
      assert.equal(
        (
          await call(s, viewerTok, 'PATCH', `/api/v1/incident-profiles/${f.province}`, {
            timeZone: 'Europe/Berlin',
          })
        ).status,
        403,
      );
      const adminTok = await f.token(f.province, 'admin');
      assert.equal(
        (
          await call(s, adminTok, 'PATCH', `/api/v1/incident-profiles/${f.province}`, {
            timeZone: 'Mars/Base',
          })
        ).status,
        422,
      );
      const p = await call(s, adminTok, 'PATCH', `/api/v1/incident-profiles/${f.province}`, {
        timeZone: 'Europe/Berlin',
      });
      assert.equal(p.status, 200);
      // Inherited by the operator below.
      const prof = await call(s, op, 'GET', `/api/v1/incident-profiles/${f.operator}`);
      assert.equal(prof.body.timeZone, 'Europe/Berlin');
      const r = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Winter',
        category: 'gbt:other',
        grade: 'major',
        awareAt: '2025-01-10T09:00:00Z',
      });
      assert.equal(r.body.timeZone, 'Europe/Berlin');
      assert.equal(r.body.obligations[0].dueLocal, '2025-01-10T11:00:00+01:00');
      const preview = await call(
        s,
        op,
        'GET',
        `/api/v1/incidents/preview?grade=major&awareAt=2025-07-10T09:00:00Z&regime=eu-nis2`,
      );
      assert.equal(preview.status, 200);
      assert.equal(preview.body.entityType, 'essential');
      assert.deepEqual(
        preview.body.obligations.map((o: Json) => [o.stage, o.dueLocal]),
        [
          ['early-warning', '2025-07-11T11:00:00+02:00'],
          ['notification', '2025-07-13T11:00:00+02:00'],
          ['intermediate', null],
          ['final', '2025-08-13T11:00:00+02:00'],
        ],
      );
    });

    test('the OpenAPI document describes the incident routes', async () => {
      const r = await fetch(`${s.url}/api/openapi.json`);
      assert.equal(r.status, 200);
      const doc = (await r.json()) as Json;
      assert.ok(doc.paths['/api/v1/incidents']);
      assert.ok(doc.paths['/api/v1/incidents/{id}/reports']);
    });
  });
}
