// Reminders and overdue escalation (issue 10), on PGlite and PostgreSQL, with an injected clock:
// a reminder the lead time before a deadline to the organization that must file, an overdue alert
// once it passed to that organization and the one above it (console notification and the
// `incident.overdue` webhook event), a timeline entry; each once per obligation and kind, also
// from a second scheduler (a restart). Major incidents alert the centre with the onward deadlines
// (`incident.escalated`); a filed report notifies its recipient.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { IncidentService } from '../../src/incidents/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';
import { until } from '../support/wait.ts';

const MIN = 60_000;

async function notificationsOf(s: TestServer, token: string, incident: string): Promise<Json[]> {
  const r = await call(s, token, 'GET', '/api/v1/notifications?limit=200');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.items as Json[]).filter((n) => n.data.incident === incident);
}

for (const kind of testDatabaseKinds()) {
  describe(`incident reminders and escalation on ${kind.name}`, { skip: kind.skip, timeout: 300_000 }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    let now = new Date();
    /** A scheduler of its own with the test's clock (the server's runs on the real one). */
    const scheduler = () => {
      const svc = new IncidentService(s.ctx.db, s.ctx.events, s.ctx.orgs, undefined, () => now);
      svc.connectNotifier(s.ctx.notify);
      return svc;
    };

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {
        BULWARK_NOTIFY_ALLOW: '127.0.0.0/8',
        BULWARK_NOTIFY_RETRY_BASE_MS: '20',
        // The server's own scheduler scans rarely; the tests drive theirs.
        BULWARK_REMINDER_INTERVAL_MS: '3600000',
        BULWARK_REMINDER_LEAD_MINUTES: '0',
      });
      fed = await makeFederation(s, 'BW-RM');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('a reminder before the deadline, an overdue alert escalated after it, each once', async () => {
      const calls: Json[] = [];
      const hook = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        req.on('end', () => {
          calls.push(JSON.parse(body) as Json);
          res.end();
        });
      }).listen(0, '127.0.0.1');
      await once(hook, 'listening');
      try {
        const cityAdmin = await fed.token(fed.city, 'admin');
        const sub = await call(s, cityAdmin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`,
          events: ['incident.overdue'],
        });
        assert.equal(sub.status, 201, JSON.stringify(sub.body));

        const awareAt = new Date(Date.now() - 10 * MIN);
        const op = await fed.token(fed.operator, 'responder');
        const filed = await call(s, op, 'POST', '/api/v1/incidents', {
          title: 'Reminder test',
          category: 'enisa:intrusions',
          grade: 'relatively-major',
          awareAt: awareAt.toISOString(),
        });
        assert.equal(filed.status, 201, JSON.stringify(filed.body));
        const id = filed.body.id as string;
        const due = new Date(filed.body.obligations[0].due as string);
        assert.equal(
          due.getTime(),
          awareAt.getTime() + 60 * MIN,
          'the CII operator owes its report in 1 hour',
        );

        // Forty minutes before: nothing with a 30-minute lead.
        now = new Date(due.getTime() - 40 * MIN);
        assert.deepEqual(await scheduler().scanDeadlines(30 * MIN), { reminders: 0, overdue: 0 });
        // Twenty minutes before: one reminder to the operator; again, and after a restart: none.
        now = new Date(due.getTime() - 20 * MIN);
        assert.deepEqual(await scheduler().scanDeadlines(30 * MIN), { reminders: 1, overdue: 0 });
        assert.deepEqual(await scheduler().scanDeadlines(30 * MIN), { reminders: 0, overdue: 0 });
        const opAdmin = await fed.token(fed.operator, 'viewer');
        const reminders = await notificationsOf(s, opAdmin, id);
        assert.deepEqual(
          reminders.map((n) => n.topic),
          ['incident.reminder'],
        );
        assert.equal(reminders[0]!.data.stage, 'initial-cii');
        assert.equal(reminders[0]!.link, `/incidents/${id}`);

        // After the deadline: overdue to the operator, escalated to its city; once.
        now = new Date(due.getTime() + MIN);
        assert.deepEqual(await scheduler().scanDeadlines(30 * MIN), { reminders: 0, overdue: 1 });
        assert.deepEqual(await scheduler().scanDeadlines(30 * MIN), { reminders: 0, overdue: 0 });
        assert.deepEqual(
          (await notificationsOf(s, opAdmin, id)).map((n) => n.topic),
          ['incident.overdue', 'incident.reminder'],
        );
        const city = await notificationsOf(s, await fed.token(fed.city, 'viewer'), id);
        assert.deepEqual(
          city.map((n) => [n.topic, n.data.escalatedFrom]),
          [['incident.overdue', fed.operator]],
        );
        // An unrelated operator hears nothing of it.
        assert.deepEqual(await notificationsOf(s, await fed.token(fed.otherOperator, 'admin'), id), []);
        const timeline = await call(s, op, 'GET', `/api/v1/incidents/${id}/timeline`);
        const overdue = (timeline.body.items as Json[]).filter((e) => e.kind === 'overdue');
        assert.equal(overdue.length, 1);
        assert.equal(overdue[0]!.data.escalatedTo, fed.city);
        // The city's webhook got the incident.overdue event.
        const event = await until('the webhook call', () => calls.find((c) => c.data.incident === id));
        assert.equal(event.topic, 'incident.overdue');
        assert.equal(event.data.stage, 'initial-cii');
      } finally {
        await new Promise<void>((r) => hook.close(() => r()));
      }
    });

    test('a filed obligation is neither reminded nor overdue; a closed incident neither', async () => {
      const op = await fed.token(fed.operator, 'responder');
      const awareAt = new Date(Date.now() - 5 * MIN);
      const filed = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Filed in time',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: awareAt.toISOString(),
      });
      const id = filed.body.id as string;
      const report = await call(s, op, 'POST', `/api/v1/incidents/${id}/reports`, {
        stage: 'initial-cii',
        content: {
          summary: 'Pumps down',
          impact: 'one plant',
          assessment: 'contained',
          systems: 'SCADA',
          measures: 'isolated',
          contact: 'duty officer',
        },
      });
      assert.equal(report.status, 201, JSON.stringify(report.body));
      now = new Date(awareAt.getTime() + 2 * 60 * MIN);
      await scheduler().scanDeadlines(30 * MIN);
      assert.deepEqual(
        (await notificationsOf(s, await fed.token(fed.operator, 'viewer'), id)).map((n) => n.topic),
        [],
      );
      // The report reached its recipient, the sector regulator, at once.
      const reg = await notificationsOf(s, await fed.token(fed.regulator, 'viewer'), id);
      assert.deepEqual(
        reg.map((n) => [n.topic, n.data.stage]),
        [['incident.report_filed', 'initial-cii']],
      );
    });

    test('a major incident raises an alert at the centre with the onward deadlines', async () => {
      const op = await fed.token(fed.operator, 'responder');
      const filed = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Major outage',
        category: 'enisa:intrusions',
        grade: 'major',
        awareAt: new Date(Date.now() - MIN).toISOString(),
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const id = filed.body.id as string;
      const centre = await notificationsOf(s, await fed.token(fed.root, 'viewer'), id);
      assert.equal(centre.length, 1);
      assert.equal(centre[0]!.topic, 'incident.escalated');
      assert.deepEqual(
        (centre[0]!.data.onward as Json[]).map((o) => o.stage),
        ['onward-cii'],
      );
      // Regrading to particularly major does not alert twice; a relatively major one regraded up does.
      await call(s, op, 'PATCH', `/api/v1/incidents/${id}`, { grade: 'particularly-major' });
      assert.equal((await notificationsOf(s, await fed.token(fed.root, 'viewer'), id)).length, 1);
      const lesser = await call(s, op, 'POST', '/api/v1/incidents', {
        title: 'Grows',
        category: 'enisa:intrusions',
        grade: 'relatively-major',
        awareAt: new Date(Date.now() - MIN).toISOString(),
      });
      const lid = lesser.body.id as string;
      assert.equal((await notificationsOf(s, await fed.token(fed.root, 'viewer'), lid)).length, 0);
      await call(s, op, 'PATCH', `/api/v1/incidents/${lid}`, { grade: 'major' });
      assert.deepEqual(
        (await notificationsOf(s, await fed.token(fed.root, 'viewer'), lid)).map((n) => n.topic),
        ['incident.escalated'],
      );
    });
  });
}
