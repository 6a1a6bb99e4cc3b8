// The notify domain through the real HTTP stack, on PGlite and PostgreSQL: console notifications
// (list, unread count, mark read, scoped to the organization), signed webhooks to a loopback
// receiver the server's configuration allows (HMAC over timestamp and body, retries with backoff
// after failures, the delivery log and who may read it), e-mail to an in-process SMTP sink, the
// refusal of private and loopback targets without the allowance, and an outbox that outlives the
// process that wrote it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type NotifyInput, NotifyService, verifySignature } from '../../src/notify/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, makeFederation } from '../incidents/support.ts';
import { smtpSink } from '../support/mail.ts';
import { until } from '../support/wait.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver on loopback: answers `plan` codes in turn (then 200) and keeps every call. */
async function receiver(plan: number[] = []) {
  const calls: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.statusCode = plan.shift() ?? 200;
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const kind of testDatabaseKinds()) {
  describe(`notifications on ${kind.name}`, { skip: kind.skip, timeout: 300_000 }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let fed: Federation;
    let sink: Awaited<ReturnType<typeof smtpSink>>;
    const notify = (input: NotifyInput) => s.ctx.db.transaction((tx) => s.ctx.notify.notify(tx, input));

    before(async () => {
      tdb = await kind.open();
      sink = await smtpSink();
      s = await startTestServer(tdb.db, {
        BULWARK_NOTIFY_ALLOW: '127.0.0.0/8',
        BULWARK_NOTIFY_RETRY_BASE_MS: '20',
        BULWARK_NOTIFY_MAX_ATTEMPTS: '3',
        BULWARK_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        BULWARK_SMTP_FROM: 'bulwark@example.org',
      });
      fed = await makeFederation(s, 'BW-NT');
    });
    after(async () => {
      await s?.close();
      await sink?.close();
      await tdb?.dispose();
    });

    test('console notifications: listed for the organization, counted unread per reader, marked read', async () => {
      const viewer = await fed.token(fed.operator, 'viewer');
      const admin = await fed.token(fed.operator, 'admin');
      const stranger = await fed.token(fed.otherOperator, 'admin');
      assert.equal(
        await notify({ org: fed.operator, topic: 'test.one', title: 'First', link: '/incidents' }),
        true,
      );
      assert.equal(
        await notify({ org: fed.operator, topic: 'test.two', title: 'Second', dedupeKey: `k-${kind.name}` }),
        true,
      );
      // The same key again: skipped, nothing written.
      assert.equal(
        await notify({ org: fed.operator, topic: 'test.two', title: 'Again', dedupeKey: `k-${kind.name}` }),
        false,
      );

      const list = await call(s, viewer, 'GET', '/api/v1/notifications');
      assert.equal(list.status, 200, JSON.stringify(list.body));
      assert.deepEqual(
        list.body.items.map((n: { title: string }) => n.title),
        ['Second', 'First'],
      );
      assert.equal(list.body.unread, 2);
      assert.equal((await call(s, stranger, 'GET', '/api/v1/notifications')).body.items.length, 0);

      const first = list.body.items[1].id as string;
      const marked = await call(s, viewer, 'POST', '/api/v1/notifications/read', { ids: [first] });
      assert.deepEqual(marked.body, { marked: 1, unread: 1 });
      // Read marks are the reader's own: the admin still has both unread.
      assert.equal((await call(s, admin, 'GET', '/api/v1/notifications/unread-count')).body.unread, 2);
      // Another organization's notification cannot be marked through its id.
      assert.deepEqual(
        (await call(s, stranger, 'POST', '/api/v1/notifications/read', { ids: [first] })).body,
        {
          marked: 0,
          unread: 0,
        },
      );
      await call(s, viewer, 'POST', '/api/v1/notifications/read', {});
      const unread = await call(s, viewer, 'GET', '/api/v1/notifications?unread=true');
      assert.equal(unread.body.items.length, 0);
      assert.equal(unread.body.unread, 0);
    });

    test('notifyAll: several notifications in one call, deduplicated, delivered to the subscriptions of each', async () => {
      const hook = await receiver();
      try {
        const admin = await fed.token(fed.operator, 'admin');
        const sub = await call(s, admin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target: hook.url,
          events: ['batch.*'],
        });
        assert.equal(sub.status, 201, JSON.stringify(sub.body));
        const key = `batch-${kind.name}`;
        assert.equal(
          await notify({
            org: fed.operator,
            topic: 'batch.before',
            title: 'Before',
            dedupeKey: `${key}-old`,
          }),
          true,
        );
        const answers = await s.ctx.db.transaction((tx) =>
          s.ctx.notify.notifyAll(tx, [
            { org: fed.operator, topic: 'batch.one', title: 'One', data: { n: 1 }, dedupeKey: `${key}-1` },
            { org: fed.otherOperator, topic: 'batch.two', title: 'Two', data: { n: 2 } },
            { org: fed.operator, topic: 'batch.one', title: 'One again', dedupeKey: `${key}-1` },
            { org: fed.operator, topic: 'batch.three', title: 'Old key', dedupeKey: `${key}-old` },
            { org: fed.operator, topic: 'other.topic', title: 'Not subscribed', data: { n: 4 } },
          ]),
        );
        assert.deepEqual(answers, [true, true, false, false, true]);
        const stored = await s.ctx.db.query<{ title: string; org_id: string }>(
          `SELECT title, org_id FROM notifications WHERE title IN ('One', 'Two', 'One again', 'Old key', 'Not subscribed') ORDER BY title`,
        );
        assert.deepEqual(
          stored.rows.map((r) => [r.title, r.org_id]),
          [
            ['Not subscribed', fed.operator],
            ['One', fed.operator],
            ['Two', fed.otherOperator],
          ],
        );
        const outbox = await s.ctx.db.query<{ payload: { title: string; data: unknown; org: string } }>(
          `SELECT payload FROM notify_outbox WHERE subscription_id = $1 ORDER BY payload->>'title'`,
          [sub.body.id],
        );
        assert.deepEqual(
          outbox.rows.map((r) => [r.payload.title, r.payload.org, r.payload.data]),
          [
            ['Before', fed.operator, {}],
            ['One', fed.operator, { n: 1 }],
          ],
          "only the subscribed organization's topics are queued, each with its own payload",
        );
        assert.equal((await call(s, admin, 'DELETE', `/api/v1/subscriptions/${sub.body.id}`)).status, 204);
      } finally {
        await hook.close();
      }
    });

    test('a webhook gets the event signed over timestamp and body, retried after failures, logged', async () => {
      const hook = await receiver([500, 503]);
      try {
        const admin = await fed.token(fed.operator, 'admin');
        const created = await call(s, admin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target: hook.url,
          events: ['incident.*'],
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const secret = created.body.secret as string;
        assert.match(secret, /^whsec_/);
        // Stored encrypted: the database holds no copy of the secret.
        const stored = await s.ctx.db.query<{ secret_enc: Buffer }>(
          'SELECT secret_enc FROM notify_subscriptions WHERE id = $1',
          [created.body.id],
        );
        assert.ok(!Buffer.from(stored.rows[0]!.secret_enc).includes(Buffer.from(secret)));
        assert.equal((await call(s, admin, 'GET', '/api/v1/subscriptions')).body.items[0].secret, undefined);

        // A topic outside the filter is not delivered; the one inside is, after two failures.
        await notify({ org: fed.operator, topic: 'report.filed', title: 'Not for the hook' });
        await notify({
          org: fed.operator,
          topic: 'incident.overdue',
          title: 'Overdue',
          link: '/incidents/x',
          data: { incident: 'x' },
        });
        await until('three calls', () => hook.calls.length >= 3 || undefined);
        const log = await until('a delivered entry', async () => {
          const r = await call(s, admin, 'GET', `/api/v1/subscriptions/${created.body.id}/deliveries`);
          return r.body.items?.length >= 3 && r.body.items[0].ok ? r.body.items : undefined;
        });
        assert.deepEqual(
          log.map((d: { attempt: number; ok: boolean; statusCode: number }) => [
            d.attempt,
            d.ok,
            d.statusCode,
          ]),
          [
            [3, true, 200],
            [2, false, 503],
            [1, false, 500],
          ],
        );
        assert.equal(log[0].status, 'delivered');
        assert.equal(hook.calls.length, 3);
        for (const c of hook.calls) {
          const header = String(c.headers['bulwark-signature']);
          const t = Number(/t=(\d+)/.exec(header)![1]);
          assert.ok(verifySignature(header, c.body, secret, t), 'the signature verifies with the secret');
          assert.ok(!verifySignature(header, `${c.body} `, secret, t), 'a changed body fails');
          assert.ok(!verifySignature(header, c.body, 'whsec_other', t), 'another secret fails');
          assert.ok(!verifySignature(header, c.body, secret, t + 3600), 'an old call fails');
          assert.equal(c.headers['bulwark-event'], 'incident.overdue');
        }
        const payload = JSON.parse(hook.calls[0]!.body);
        assert.equal(payload.topic, 'incident.overdue');
        assert.equal(payload.org, fed.operator);
        assert.deepEqual(payload.data, { incident: 'x' });
        assert.match(payload.link, /\/incidents\/x$/);

        // The log is the organization's and those above it; another operator gets 404.
        const city = await fed.token(fed.city, 'viewer');
        assert.equal(
          (await call(s, city, 'GET', `/api/v1/subscriptions/${created.body.id}/deliveries`)).status,
          200,
        );
        const stranger = await fed.token(fed.otherOperator, 'admin');
        const hidden = await call(s, stranger, 'GET', `/api/v1/subscriptions/${created.body.id}/deliveries`);
        assert.equal(hidden.status, 404);
        assert.match(String(hidden.type), /problem\+json/);
        // A viewer may not change it (403); removing it stops further deliveries.
        const viewer = await fed.token(fed.operator, 'viewer');
        assert.equal(
          (await call(s, viewer, 'PATCH', `/api/v1/subscriptions/${created.body.id}`, { active: false }))
            .status,
          403,
        );
        assert.equal(
          (await call(s, admin, 'DELETE', `/api/v1/subscriptions/${created.body.id}`)).status,
          204,
        );
        assert.equal((await call(s, admin, 'GET', '/api/v1/subscriptions')).body.items.length, 0);
      } finally {
        await hook.close();
      }
    });

    test('a receiver that keeps failing is given up after the configured attempts', async () => {
      const hook = await receiver([500, 500, 500, 500]);
      try {
        const admin = await fed.token(fed.otherOperator, 'admin');
        const created = await call(s, admin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target: hook.url,
          events: ['*'],
        });
        await notify({ org: fed.otherOperator, topic: 'incident.reminder', title: 'Due soon' });
        const log = await until('the delivery given up', async () => {
          const r = await call(s, admin, 'GET', `/api/v1/subscriptions/${created.body.id}/deliveries`);
          return r.body.items?.[0]?.status === 'failed' ? r.body.items : undefined;
        });
        assert.equal(log.length, 3);
        assert.ok(log.every((d: { ok: boolean }) => !d.ok));
      } finally {
        await hook.close();
      }
    });

    test('e-mail goes through the configured SMTP server', async () => {
      const admin = await fed.token(fed.regulator, 'admin');
      const created = await call(s, admin, 'POST', '/api/v1/subscriptions', {
        channel: 'email',
        target: 'duty@regulator.example',
        events: ['incident.escalated'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.secret, undefined);
      const bad = await call(s, admin, 'POST', '/api/v1/subscriptions', {
        channel: 'email',
        target: 'not an address',
        events: ['*'],
      });
      assert.equal(bad.status, 422);
      await notify({
        org: fed.regulator,
        topic: 'incident.escalated',
        title: 'Major incident at the water works',
        body: 'Onward report due.',
      });
      const mail = await until('the mail', () =>
        sink.mails.find((m) => m.to.includes('duty@regulator.example')),
      );
      assert.match(mail.data, /Subject: \[Bulwark\] Major incident at the water works/);
      assert.match(mail.data, /Onward report due\./);
    });

    test('private, loopback and link-local targets are refused unless allowed', async () => {
      const admin = await fed.token(fed.operator, 'admin');
      for (const target of [
        'http://10.1.2.3/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]:8080/hook',
        'http://[fe80::1]/hook',
        'http://[::ffff:192.168.1.1]/hook',
        'http://localhost.:9/hook',
        'ftp://example.org/hook',
      ]) {
        const r = await call(s, admin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target,
          events: ['*'],
        });
        assert.equal(r.status, 422, `${target}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.errors[0].pointer, '/target');
      }
      // This server allows 127.0.0.0/8 (the receiver above); a server with the defaults does not.
      const strict = new NotifyService(
        s.ctx.db,
        (id) => s.ctx.orgs.orgRef(id),
        loadConfig({}, { dataDir: s.ctx.config.dataDir }).notify,
      );
      assert.equal((await strict.targets.check('http://127.0.0.1:9/hook')).ok, false);
      assert.equal((await strict.targets.check('http://localhost/hook')).ok, false);
      assert.equal((await strict.targets.check('https://93.184.215.14/hook')).ok, true);
      // The sector regulator's viewer is not an administrator of the operator: 403; a stranger: 404.
      const other = await fed.token(fed.otherOperator, 'admin');
      const r = await call(s, other, 'POST', '/api/v1/subscriptions', {
        org: fed.operator,
        channel: 'webhook',
        target: 'https://93.184.215.14/hook',
        events: ['*'],
      });
      assert.equal(r.status, 404);
    });

    test('deliveries written by a process that stopped are made by the next one', async () => {
      const hook = await receiver();
      try {
        const admin = await fed.token(fed.city, 'admin');
        const created = await call(s, admin, 'POST', '/api/v1/subscriptions', {
          channel: 'webhook',
          target: hook.url,
          events: ['incident.overdue'],
        });
        // A service whose worker never runs (a process killed right after its commit) queues it …
        const settings = { ...s.ctx.config.notify, intervalMs: 60_000 };
        const dead = new NotifyService(s.ctx.db, (id) => s.ctx.orgs.orgRef(id), settings);
        await s.ctx.db.transaction((tx) =>
          dead.notify(tx, { org: fed.city, topic: 'incident.overdue', title: 'Queued before the crash' }),
        );
        const queued = await s.ctx.db.query<{ n: string }>(
          `SELECT count(*) AS n FROM notify_outbox WHERE subscription_id = $1 AND status = 'pending'`,
          [created.body.id],
        );
        assert.equal(Number(queued.rows[0]!.n), 1);
        // … and the next process's worker (this server's, woken by polling) delivers it.
        const next = new NotifyService(s.ctx.db, (id) => s.ctx.orgs.orgRef(id), settings);
        await until('the queued delivery', async () =>
          (await next.deliverDue()) >= 0 && hook.calls.length > 0 ? true : undefined,
        );
        assert.equal(JSON.parse(hook.calls[0]!.body).title, 'Queued before the crash');
      } finally {
        await hook.close();
      }
    });
  });
}
