// Status messages to a public reporter's contact, over real HTTP on PGlite and PostgreSQL, through
// an in-process SMTP sink (as the notify tests): a decision and a closure each reach the contact by
// e-mail (notify's sendTo, no subscription), the message carries no report content, a phone contact
// and a report without contact get nothing, a deleted contact gets nothing more, and the contact is
// deleted 30 days after closure (the sweeper), after which a decision mails no one. Also through
// the same sink: a promoted URL's X-ARF report e-mailed to its configured abuse desk (by TLD), a
// domain's to the fallback desk, without reporter data.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { testDatabaseKinds, type TestDatabase } from '../../src/platform/testing.ts';
import { smtpSink } from '../support/mail.ts';
import { until } from '../support/wait.ts';
import { jsonClient, solvedPow } from '../support/public.ts';

const NARRATIVE = 'secret-narrative-4411: a caller said he was from my bank';
const PHONE = '+86 138 0013 8000';

for (const kind of testDatabaseKinds()) {
  describe(`status messages to the reporter's contact (${kind.name})`, {
    skip: kind.skip,
    timeout: 300_000,
  }, () => {
    let tdb: TestDatabase;
    let server: TestServer;
    let sink: Awaited<ReturnType<typeof smtpSink>>;
    let auth: Record<string, string>;

    const api = jsonClient(() => server.url);

    const report = async (over: Record<string, unknown>) => {
      const r = await api('POST', '/api/v1/public/reports', {
        category: 'fraud.impersonation-bank',
        contactMethod: 'call',
        region: 'BW-N',
        narrative: NARRATIVE,
        observables: [{ type: 'phone', value: PHONE }],
        pow: await solvedPow(server.url),
        ...over,
      });
      assert.equal(r.status, 201, r.text);
      return r.json as { id: string; receiptToken: string };
    };

    const decide = async (id: string, decision: string) => {
      const r = await api(
        'POST',
        `/api/v1/public-reports/${id}/decisions`,
        { decision, reason: 'checked' },
        auth,
      );
      assert.equal(r.status, 200, r.text);
    };

    const mailsTo = (address: string) => sink.mails.filter((m) => m.to.includes(address));

    before(async () => {
      tdb = await kind.open();
      sink = await smtpSink();
      server = await startTestServer(tdb.db, {
        BULWARK_PUBLIC_POW_COUNTER: '50',
        BULWARK_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        BULWARK_SMTP_FROM: 'bulwark@example.org',
        BULWARK_PUBLIC_ABUSE_DESKS: '.test=abuse@desk-test.example,*=abuse@fallback.example',
      });
      const centre = server.orgId('National Cyber Security Coordination Centre');
      auth = { authorization: `Bearer ${await server.token(centre, 'analyst')}` };
    });

    after(async () => {
      await server?.close();
      await sink?.close();
      await tdb?.dispose();
    });

    test('a decision and then the closure each reach the contact by e-mail, without the report content', async () => {
      const to = `reporter-${kind.name.toLowerCase()}-1@example.net`;
      const r = await report({ contact: to });
      assert.equal(mailsTo(to).length, 0, 'filing alone sends nothing');
      await decide(r.id, 'needs-information');
      const first = await until('the first status message', () => mailsTo(to)[0]);
      assert.match(first.data, /needs more information/);
      assert.match(first.data, new RegExp(`Your report ${r.id.slice(0, 8)}`));
      for (const secret of ['secret-narrative-4411', '13800138000', r.receiptToken])
        assert.ok(!first.data.includes(secret), `the message carries no ${secret}`);
      await decide(r.id, 'benign');
      const second = await until('the closing message', () => mailsTo(to)[1]);
      assert.match(second.data, /not harmful/);
      assert.match(second.data, /now closed/);
      // Nothing more to tell: another pass sends nothing.
      const again = await server.ctx.publicReports.sendStatusMessages();
      assert.equal(again.sent, 0);
      assert.equal(mailsTo(to).length, 2);
    });

    test('no message without an e-mail contact, nor after the reporter deleted it', async () => {
      const none = await report({ narrative: 'no contact given' });
      const phone = await report({ contact: '+44 7700 900123', narrative: 'a phone contact' });
      const gone = `reporter-${kind.name.toLowerCase()}-2@example.net`;
      const deleted = await report({ contact: gone, narrative: 'contact deleted' });
      const del = await api('DELETE', '/api/v1/public/reports/contact', undefined, {
        'x-receipt-token': deleted.receiptToken,
      });
      assert.ok(del.status < 300, del.text);
      const before = sink.mails.length;
      for (const id of [none.id, phone.id, deleted.id]) await decide(id, 'confirm');
      const pass = await server.ctx.publicReports.sendStatusMessages();
      assert.equal(pass.sent, 0);
      assert.equal(sink.mails.length, before);
      assert.equal(mailsTo(gone).length, 0);
      assert.ok(!sink.mails.some((m) => m.to.some((a) => a.includes('7700'))));
    });

    test('X-ARF by e-mail: a promoted URL goes to the desk of its TLD, a domain to the fallback, no reporter data', async () => {
      const canary = `canary-xarf-${kind.name.toLowerCase()}@reporter.example`;
      const url = `http://login-${kind.name.toLowerCase()}.bank-secure.test/verify`;
      const domain = `scam-shop-${kind.name.toLowerCase()}.example`;
      const r = await report({
        contact: canary,
        narrative: 'secret-narrative-4411: a fake bank login page',
        observables: [
          { type: 'url', value: url },
          { type: 'domain', value: domain },
        ],
      });
      await decide(r.id, 'confirm');
      const promote = async (body: Record<string, unknown>) => {
        const p = await api('POST', '/api/v1/public-reports/observables/promote', body, auth);
        assert.equal(p.status, 200, p.text);
        return p.json as { indicatorId: string };
      };
      const u = await promote({ type: 'url', key: url });
      const toDesk = await until('the X-ARF e-mail to the .test desk', () =>
        mailsTo('abuse@desk-test.example').find((m) => m.data.includes('bank-secure')),
      );
      // The body is the X-ARF v4 JSON (the MIME text may fold long lines: compare without folds).
      const body = toDesk.data.replace(/=\r?\n/g, '');
      assert.match(body, /"xarf_version": "4.0.0"/);
      assert.match(body, /"category": "content"/);
      assert.match(body, /"type": "phishing"/);
      assert.match(body, /Subject: \[X-ARF\] URL confirmed from public reports:\s+hxxp\[:\/\/\]login-/);
      // The evidence is the counts of this indicator only.
      const payload = /"payload": "([A-Za-z0-9+/=]+)"/.exec(body)?.[1];
      assert.ok(payload, body);
      const evidence = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
      assert.deepEqual(evidence, { indicator: u.indicatorId, reports: 1, reporters: 1 });
      await promote({ type: 'domain', key: domain, attackerRegistered: true });
      await until('the X-ARF e-mail to the fallback desk', () =>
        mailsTo('abuse@fallback.example').find((m) => m.data.includes('scam-shop')),
      );
      for (const m of [...mailsTo('abuse@desk-test.example'), ...mailsTo('abuse@fallback.example')]) {
        assert.ok(!m.data.includes(canary), 'no reporter contact');
        assert.ok(!m.data.includes('secret-narrative-4411'), 'no narrative');
      }
      assert.equal(mailsTo('abuse@desk-test.example').length, 1, 'one e-mail per indicator');
    });

    test('the contact is deleted 30 days after closure; a later decision mails no one', async () => {
      const to = `reporter-${kind.name.toLowerCase()}-3@example.net`;
      const r = await report({ contact: to, narrative: 'retention' });
      await decide(r.id, 'out-of-scope');
      await until('the closing message', () => mailsTo(to)[0]);
      const tok = { 'x-receipt-token': r.receiptToken };
      // Not yet 30 days: kept.
      await server.ctx.publicReports.sweep(new Date(Date.now() + 29 * 86_400_000));
      assert.equal((await api('GET', '/api/v1/public/reports/status', undefined, tok)).json.hasContact, true);
      await server.ctx.publicReports.sweep(new Date(Date.now() + 31 * 86_400_000));
      const status = (await api('GET', '/api/v1/public/reports/status', undefined, tok)).json;
      assert.equal(status.hasContact, false);
      assert.ok(status.timeline.some((t: { step: string }) => t.step === 'contact-deleted'));
      await decide(r.id, 'confirm');
      const pass = await server.ctx.publicReports.sendStatusMessages();
      assert.equal(pass.sent, 0);
      assert.equal(mailsTo(to).length, 1);
    });
  });
}
