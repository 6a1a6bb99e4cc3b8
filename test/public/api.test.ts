// The public reporting portal over real HTTP, on PGlite and PostgreSQL: intake with a solved
// ALTCHA challenge, idempotent resubmission, a replayed solution and a flood refused, the
// reporter's status timeline, triage, three reporters making a candidate that an analyst promotes
// to an indicator a telecom's TAXII pull gets and a bank's does not, the canary contact in no
// export, feed, list or log (the X-ARF export included), operators' post-backs as "M of K acted"
// on the reporter's timeline, and a receipt whose inclusion proof verifies offline.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { testDatabaseKinds, type TestDatabase } from '../../src/platform/testing.ts';
import { publicCommands } from '../../src/public/index.ts';
import { exifPhoto, jsonClient, solvedPow } from '../support/public.ts';

const BIN = new URL('../../bin/bulwark', import.meta.url).pathname;
const CANARY = 'canary-7f3a9c@reporter.example';
const TAXII = 'application/taxii+json;version=2.1';

for (const kind of testDatabaseKinds()) {
  describe(`public reports (${kind.name})`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let server: TestServer;
    let analyst: string;
    let analyst2: string;
    let telecom: string;
    let bank: string;

    const api = jsonClient(() => server.url);

    const solved = () => solvedPow(server.url);

    const report = async (over: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
      api(
        'POST',
        '/api/v1/public/reports',
        {
          category: 'fraud.impersonation-bank',
          contactMethod: 'sms',
          region: 'BW-N',
          narrative: 'An SMS said my bank account was frozen.',
          observables: [{ type: 'phone', value: '+86 138 0013 8000' }],
          pow: await solved(),
          ...over,
        },
        headers,
      );

    before(async () => {
      tdb = await kind.open();
      server = await startTestServer(tdb.db, {
        BULWARK_PUBLIC_POW_COUNTER: '50',
        BULWARK_PUBLIC_PER_PREFIX_PER_HOUR: '37',
        BULWARK_PUBLIC_ALLOWLIST: 'phone:+8613900139000',
      });
      const centre = server.orgId('National Cyber Security Coordination Centre');
      analyst = await server.token(centre, 'analyst');
      analyst2 = await server.token(centre, 'analyst');
      telecom = await server.token(server.orgId('Ridgeford Telecom'), 'analyst');
      bank = await server.token(server.orgId('Northport Savings Bank'), 'analyst');
    });

    after(async () => {
      await server?.close();
      await tdb?.dispose();
    });

    test('intake answers a receipt: token once, status URL, ledger commitment; then an inclusion proof', async () => {
      const r = await report({
        contact: CANARY,
        reporterToken: 'reporter-aaaaaaaaaaaaaaaaaaaa1',
        message: 'Your account is frozen, verify at http://bank-verify.example.com/x or call 13800138000',
      });
      assert.equal(r.status, 201, r.text);
      assert.match(r.json.receiptToken, /^bwr_/);
      assert.ok(r.json.statusUrl.includes('/report#status='));
      assert.equal(r.json.ledger.kind, 'public.report');
      assert.equal(r.json.replayed, false);
      // The sequencer integrates within a moment; the status then carries the receipt.
      // biome-ignore lint/suspicious/noExplicitAny: test responses are read loosely
      let status: any;
      for (let i = 0; i < 100; i++) {
        status = (
          await api('GET', '/api/v1/public/reports/status', undefined, {
            'x-receipt-token': r.json.receiptToken,
          })
        ).json;
        if (status.ledger.state === 'included') break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(status.ledger.state, 'included');
      assert.equal(status.timeline[0].step, 'received');
      assert.equal(status.hasContact, true);
      // Offline: the receipt verifies against the log's key with the CLI, no server involved.
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-receipt-'));
      writeFileSync(join(dir, 'receipt.txt'), status.ledger.receipt);
      const key = (await api('GET', '/ledger/key')).text.trim();
      const v = spawnSync(BIN, ['ledger', 'verify-receipt', join(dir, 'receipt.txt'), '--key', key], {
        encoding: 'utf8',
      });
      assert.equal(v.status, 0, v.stderr + v.stdout);
      assert.match(v.stdout, /valid/);
    });

    test('a resubmission returns the existing receipt (Idempotency-Key; same reporter token + content in 24 h)', async () => {
      const idem = { 'idempotency-key': 'c0ffee00-1111-2222-3333-444455556666' };
      const a = await report({ narrative: 'Idempotent one.' }, idem);
      assert.equal(a.status, 201);
      const b = await report({ narrative: 'Idempotent one.' }, idem);
      assert.equal(b.status, 200);
      assert.equal(b.json.id, a.json.id);
      assert.equal(b.json.receiptToken, a.json.receiptToken);
      assert.equal(b.json.replayed, true);
      const token = { reporterToken: 'reporter-bbbbbbbbbbbbbbbbbbbb2', narrative: 'Same content twice.' };
      const c = await report(token);
      const d = await report(token);
      assert.equal(c.status, 201);
      assert.equal(d.status, 200);
      assert.equal(d.json.id, c.json.id);
      const e = await report({ ...token, reporterToken: 'reporter-cccccccccccccccccccc3' });
      assert.equal(e.status, 201, 'another reporter files its own report');
      assert.notEqual(e.json.id, c.json.id);
    });

    test('a replayed proof-of-work solution is refused; a bad one too', async () => {
      const pow = await solved();
      const first = await report({ pow, narrative: 'first use' });
      assert.equal(first.status, 201);
      const again = await report({ pow, narrative: 'second use of the same solution' });
      assert.equal(again.status, 403);
      assert.match(again.json.detail, /already used/);
      const bad = await solved();
      bad.solution.derivedKey = '00'.repeat(32);
      const wrong = await report({ pow: bad, narrative: 'wrong solution' });
      assert.equal(wrong.status, 403);
    });

    test('concurrent intake (one group commit): a proof of work used twice at once is refused once, the rest filed', async () => {
      const shared = await solved();
      const bodies = await Promise.all(
        Array.from({ length: 12 }, async (_x, i) => ({
          category: 'fraud.investment',
          narrative: `concurrent ${i}`,
          observables: [{ type: 'phone', value: '+86 137 0000 0001' }],
          reporterToken: `reporter-concurrent-${String(i).padStart(9, '0')}`,
          pow: i < 2 ? shared : await solved(),
        })),
      );
      const answers = await Promise.all(bodies.map((b) => api('POST', '/api/v1/public/reports', b)));
      const codes = answers.map((a) => a.status).sort();
      assert.deepEqual(codes, [...Array(11).fill(201), 403], JSON.stringify(answers.map((a) => a.json)));
      // Twelve distinct reporters of one number, counted across the group: a candidate.
      const list = await api('GET', '/api/v1/public-reports/observables?status=candidate', undefined, {
        authorization: `Bearer ${analyst}`,
      });
      const c = list.json.items.find((x: { key: string }) => x.key === '+8613700000001');
      assert.ok(c, 'a candidate');
      assert.equal(c.reporters, 11);
      // Every filed report is in the ledger.
      for (const a of answers.filter((x) => x.status === 201)) {
        const { rows } = await server.ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind = 'public.report' AND record_id = $1`,
          [a.json.id],
        );
        assert.equal(rows[0]!.n, 1);
      }
    });

    test('observables are validated and canonical; narrative bounded; categories only fraud, intrusion, privacy', async () => {
      const iban = await report({ observables: [{ type: 'iban', value: 'GB82 WEST 1234 5698 7654 33' }] });
      assert.equal(iban.status, 422);
      assert.equal(iban.json.errors[0].pointer, '/observables/0/value');
      const long = await report({ narrative: 'x'.repeat(4001) });
      assert.equal(long.status, 400);
      const speech = await report({ category: 'speech.opinion' });
      assert.equal(speech.status, 400);
    });

    test('three reporters make a candidate; an analyst promotes it; a telecom pulls it, a bank does not', async () => {
      const phone = { type: 'phone', value: '+86 139 1234 5678' };
      const receipts: string[] = [];
      for (const t of [
        'reporter-ddddddddddddddddddd01',
        'reporter-ddddddddddddddddddd02',
        'reporter-ddddddddddddddddddd03',
      ]) {
        const r = await report({
          observables: [phone],
          reporterToken: t,
          narrative: `call from a fake bank (${t})`,
        });
        assert.equal(r.status, 201, r.text);
        receipts.push(r.json.receiptToken);
      }
      const list = await api('GET', '/api/v1/public-reports/observables?status=candidate', undefined, {
        authorization: `Bearer ${analyst}`,
      });
      assert.equal(list.status, 200, list.text);
      const cand = list.json.items.find((c: { key: string }) => c.key === '+8613912345678');
      assert.ok(cand, 'the phone number is a candidate');
      assert.equal(cand.reason, 'reporters');
      assert.ok(cand.reporters >= 3);
      // A reporter-side token cannot promote; a telecom's analyst neither (not the centre's).
      const refused = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key: '+8613912345678' },
        { authorization: `Bearer ${telecom}` },
      );
      assert.ok(refused.status === 404 || refused.status === 403, refused.text);
      const promoted = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key: '+8613912345678' },
        { authorization: `Bearer ${analyst}` },
      );
      assert.equal(promoted.status, 200, promoted.text);
      assert.equal(promoted.json.status, 'published');
      const indicatorId = promoted.json.indicatorId as string;
      assert.match(indicatorId, /^indicator--/);
      assert.ok(promoted.json.sharedWith >= 1);
      // TAXII pulls: the telecom sees the indicator in the community collection, the bank does not.
      const pull = async (token: string) => {
        const cols = await api('GET', '/taxii2/default/collections/', undefined, {
          authorization: `Bearer ${token}`,
          accept: TAXII,
        });
        const ids: string[] = [];
        for (const c of cols.json.collections ?? []) {
          const objs = await api('GET', `/taxii2/default/collections/${c.id}/objects/`, undefined, {
            authorization: `Bearer ${token}`,
            accept: TAXII,
          });
          for (const o of objs.json?.objects ?? []) ids.push(o.id);
        }
        return ids;
      };
      assert.ok((await pull(telecom)).includes(indicatorId), 'the telecom gets the indicator');
      assert.ok(!(await pull(bank)).includes(indicatorId), 'the bank does not');
      // The public check finds it; an operator posts back an action; the reporters' timeline shows it.
      const check = await api(
        'GET',
        `/api/v1/public/check?type=phone&value=${encodeURIComponent('+86 139 1234 5678')}`,
      );
      assert.equal(check.json.listed, true);
      const acted = await api(
        'POST',
        '/api/v1/public-reports/indicator-actions',
        { indicator: indicatorId, action: 'blocked' },
        { authorization: `Bearer ${telecom}` },
      );
      assert.equal(acted.status, 204, acted.text);
      // The reporter's timeline: M of K operators acted (the telecom blocked it, of those it was shared with).
      const st = await api('GET', '/api/v1/public/reports/status', undefined, {
        'x-receipt-token': receipts[0]!,
      });
      const step = st.json.timeline.find((x: { step: string }) => x.step === 'acted');
      assert.ok(step, JSON.stringify(st.json.timeline));
      assert.equal(step.count, 1);
      assert.equal(step.of, promoted.json.sharedWith);
      assert.match(step.detail, /blocked: 1/);
      // Each post-back is committed to the ledger: the operator's record on the indicator, a new
      // version per post-back (a change of action is the next version, still one operator acting).
      const actionVersions = async () =>
        (
          await server.ctx.db.query<{ v: number }>(
            `SELECT record_version AS v FROM ledger_commitments WHERE record_kind = 'public.indicator-action'
               AND record_id = $1 ORDER BY 1`,
            [`${indicatorId}/${server.orgId('Ridgeford Telecom')}`],
          )
        ).rows.map((r) => Number(r.v));
      assert.deepEqual(await actionVersions(), [1]);
      const takenDown = await api(
        'POST',
        '/api/v1/public-reports/indicator-actions',
        { indicator: indicatorId, action: 'taken-down' },
        { authorization: `Bearer ${telecom}` },
      );
      assert.equal(takenDown.status, 204, takenDown.text);
      assert.deepEqual(await actionVersions(), [1, 2]);
      const stTaken = await api('GET', '/api/v1/public/reports/status', undefined, {
        'x-receipt-token': receipts[0]!,
      });
      const stepTaken = stTaken.json.timeline.find((x: { step: string }) => x.step === 'acted');
      assert.equal(stepTaken.count, 1);
      assert.match(stepTaken.detail, /taken-down: 1/);
      // A refusal from another operator counts apart: still 1 acted, of the same K.
      const refusedAction = await api(
        'POST',
        '/api/v1/public-reports/indicator-actions',
        { indicator: indicatorId, action: 'refused' },
        { authorization: `Bearer ${analyst}` },
      );
      assert.equal(refusedAction.status, 204, refusedAction.text);
      const st2 = await api('GET', '/api/v1/public/reports/status', undefined, {
        'x-receipt-token': receipts[1]!,
      });
      const step2 = st2.json.timeline.find((x: { step: string }) => x.step === 'acted');
      assert.equal(step2.count, 1);
      assert.match(step2.detail, /refused: 1/);
      // An unknown indicator is a 404, a bad action a 400 (nothing written).
      const unknown = await api(
        'POST',
        '/api/v1/public-reports/indicator-actions',
        { indicator: 'indicator--00000000-0000-4000-8000-000000000000', action: 'blocked' },
        { authorization: `Bearer ${telecom}` },
      );
      assert.equal(unknown.status, 404, unknown.text);
      const stray = await server.ctx.db.query(
        `SELECT 1 FROM ledger_commitments WHERE record_kind = 'public.indicator-action' AND record_id LIKE $1`,
        ['indicator--00000000-0000-4000-8000-000000000000/%'],
      );
      assert.equal(stray.rows.length, 0, 'nothing committed for an unknown indicator');
    });

    test('X-ARF v4: one report per confirmed URL or domain, the centre as reporter, counts only', async () => {
      const auth = { authorization: `Bearer ${analyst}` };
      const url = 'http://xarf-phish.example.org/bank/login';
      for (const t of ['reporter-xxxxxxxxxxxxxxxxxxx01', 'reporter-xxxxxxxxxxxxxxxxxxx02']) {
        const r = await report({
          contact: CANARY,
          reporterToken: t,
          narrative: `phishing page of my bank (${t})`,
          observables: [{ type: 'url', value: url }],
        });
        assert.equal(r.status, 201, r.text);
      }
      const before = await api('GET', '/api/v1/public-reports/xarf', undefined, auth);
      assert.equal(before.status, 200, before.text);
      assert.ok(!before.text.includes('xarf-phish'), 'not confirmed yet: not exported');
      const promoted = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'url', key: url },
        auth,
      );
      assert.equal(promoted.status, 200, promoted.text);
      const x = await api('GET', '/api/v1/public-reports/xarf', undefined, auth);
      assert.equal(x.status, 200, x.text);
      const mine = x.json.filter((r: { url: string }) => r.url === url);
      assert.equal(mine.length, 1);
      const r = mine[0];
      // The core's required fields and their forms (xarf-core.json, content-base.json).
      for (const f of [
        'xarf_version',
        'report_id',
        'timestamp',
        'reporter',
        'sender',
        'source_identifier',
        'category',
        'type',
        'url',
      ])
        assert.ok(r[f] !== undefined, `X-ARF field ${f}`);
      assert.match(r.xarf_version, /^4\.[0-9]+\.[0-9]+$/);
      assert.match(r.report_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.equal(`indicator--${r.report_id}`, promoted.json.indicatorId);
      assert.ok(!Number.isNaN(Date.parse(r.timestamp)));
      assert.equal(r.category, 'content');
      assert.equal(r.type, 'phishing', 'impersonation of a bank is phishing');
      assert.equal(r.domain, 'xarf-phish.example.org');
      assert.equal(r.evidence_source, 'user_report');
      for (const who of [r.reporter, r.sender]) {
        assert.deepEqual(Object.keys(who).sort(), ['contact', 'domain', 'org']);
        assert.match(who.contact, /^abuse@/);
        assert.match(who.org, /Coordination Centre/);
      }
      const counts = JSON.parse(Buffer.from(r.evidence[0].payload, 'base64').toString());
      assert.deepEqual(counts, { indicator: promoted.json.indicatorId, reports: 2, reporters: 2 });
      for (const t of r.tags) assert.match(t, /^[a-z0-9][a-z0-9_+-]*:[a-z0-9][a-z0-9_+-.]*$/);
      // NDJSON: the same reports, one a line; a phone number never goes out as X-ARF.
      const nd = await api('GET', '/api/v1/public-reports/xarf?format=ndjson', undefined, auth);
      assert.equal(nd.status, 200);
      assert.match(nd.headers.get('content-type') ?? '', /ndjson/);
      const lines = nd.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(lines, x.json);
      assert.ok(!nd.text.includes('+8613912345678'));
      // Staff only: a bank's analyst and an anonymous caller get nothing.
      const bankSees = await api('GET', '/api/v1/public-reports/xarf', undefined, {
        authorization: `Bearer ${bank}`,
      });
      assert.ok(bankSees.status === 403 || bankSees.status === 404, bankSees.text);
      assert.equal((await api('GET', '/api/v1/public-reports/xarf')).status, 401);
      const bad = await api('GET', '/api/v1/public-reports/xarf?since=yesterday', undefined, auth);
      assert.equal(bad.status, 400, bad.text);
      // The CLI command prints the same reports, one a line (run on the server's context).
      let out = '';
      const io = {
        out: (t: string) => {
          out += t;
        },
        err: () => undefined,
        path: (p: string) => p,
        stdin: async () => '',
        open: async () => server.ctx,
      };
      assert.equal(await publicCommands['public xarf']!.run([], io), 0);
      assert.deepEqual(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
        x.json,
      );
      await assert.rejects(publicCommands['public xarf']!.run(['--since', 'soon'], io), /--since/);
    });

    test('allowlisted values need two analysts', async () => {
      const r = await report({
        observables: [{ type: 'phone', value: '+86 139 0013 9000' }],
        narrative: 'allowlisted number',
      });
      assert.equal(r.status, 201);
      const one = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key: '+8613900139000' },
        { authorization: `Bearer ${analyst}` },
      );
      assert.equal(one.status, 200, one.text);
      assert.equal(one.json.status, 'candidate');
      assert.ok(one.json.awaiting);
      const again = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key: '+8613900139000' },
        { authorization: `Bearer ${analyst}` },
      );
      assert.equal(again.json.status, 'candidate', 'the same analyst twice is still one');
      const two = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key: '+8613900139000' },
        { authorization: `Bearer ${analyst2}` },
      );
      assert.equal(two.status, 200, two.text);
      assert.equal(two.json.status, 'published');
    });

    test('status timeline: triaged, linked, supplement, contact deleted; triage queue oldest first', async () => {
      const a = await report({
        reporterToken: 'reporter-eeeeeeeeeeeeeeeeeee01',
        narrative: 'status one',
        observables: [{ type: 'url', value: 'hxxp://login-secure[.]example[.]net/a/../b' }],
      });
      const b = await report({
        reporterToken: 'reporter-eeeeeeeeeeeeeeeeeee02',
        narrative: 'status two',
        observables: [{ type: 'url', value: 'http://LOGIN-secure.example.net/b' }],
      });
      assert.equal(a.status, 201, a.text);
      const auth = { authorization: `Bearer ${analyst}` };
      const q = await api('GET', '/api/v1/public-reports?limit=500', undefined, auth);
      assert.equal(q.status, 200, q.text);
      const times = q.json.items.map((i: { receivedAt: string }) => i.receivedAt);
      assert.deepEqual(times, [...times].sort(), 'oldest first');
      const detail = await api('GET', `/api/v1/public-reports/${a.json.id}`, undefined, auth);
      assert.equal(detail.status, 200, detail.text);
      assert.ok(
        detail.json.campaign.some((c: { id: string }) => c.id === b.json.id),
        'linked by the canonical URL',
      );
      const url = detail.json.observables.find((o: { type: string }) => o.type === 'url');
      assert.equal(url.key, 'http://login-secure.example.net/b');
      assert.equal(url.value, 'hxxp[://]login-secure[.]example[.]net/b');
      assert.equal(detail.json.hasContact, false);
      const decided = await api(
        'POST',
        `/api/v1/public-reports/${a.json.id}/decisions`,
        { decision: 'needs-information', reason: 'When did the SMS arrive?' },
        auth,
      );
      assert.equal(decided.status, 200, decided.text);
      const tok = { 'x-receipt-token': a.json.receiptToken };
      assert.equal(
        (
          await api(
            'POST',
            '/api/v1/public/reports/supplements',
            { text: 'It arrived on Monday morning.' },
            tok,
          )
        ).status,
        201,
      );
      const s = (await api('GET', '/api/v1/public/reports/status', undefined, tok)).json;
      const steps = s.timeline.map((t: { step: string }) => t.step);
      assert.ok(steps.includes('triaged'));
      assert.ok(steps.includes('supplement'));
      assert.ok(steps.includes('linked'));
      assert.equal(s.status, 'needs-information');
      const withContact = await report({ contact: 'someone@example.org', narrative: 'contact then delete' });
      const del = await api('DELETE', '/api/v1/public/reports/contact', undefined, {
        'x-receipt-token': withContact.json.receiptToken,
      });
      assert.equal(del.status, 204);
      const after = (
        await api('GET', '/api/v1/public/reports/status', undefined, {
          'x-receipt-token': withContact.json.receiptToken,
        })
      ).json;
      assert.equal(after.hasContact, false);
      assert.ok(after.timeline.some((t: { step: string }) => t.step === 'contact-deleted'));
      // A wrong token reads nothing.
      const none = await api('GET', '/api/v1/public/reports/status', undefined, {
        'x-receipt-token': `bwr_${'A'.repeat(43)}`,
      });
      assert.equal(none.status, 404);
      // Staff routes need an actor.
      assert.equal((await api('GET', '/api/v1/public-reports')).status, 401);
    });

    test('statistics suppress cells under 5; blocklists carry only observables', async () => {
      const s = await api('GET', '/api/v1/public/statistics');
      assert.equal(s.status, 200);
      for (const c of s.json.cells) assert.ok(c.count === null || c.count >= 5);
      for (const f of ['text', 'csv', 'stix']) {
        const b = await api('GET', `/api/v1/public/blocklist?format=${f}`);
        assert.equal(b.status, 200);
      }
    });

    test('attachments: images re-encoded without metadata, other files as a hash, 5 of 5 MiB, staff only', async () => {
      const r = await report({
        contact: CANARY,
        reporterToken: 'reporter-attachattachattach01',
        narrative: 'a photo of the fake bank page, taken with my phone',
      });
      assert.equal(r.status, 201, r.text);
      const token = r.json.receiptToken as string;
      const upload = (body: Buffer, type: string, tok = token) =>
        fetch(`${server.url}/api/v1/public/reports/attachments`, {
          method: 'POST',
          headers: { 'content-type': type, 'x-receipt-token': tok },
          body: new Uint8Array(body),
        });
      // A phone photo: EXIF with the camera owner (the canary) and a GPS position.
      const photo = await exifPhoto(CANARY);
      assert.ok(photo.includes(CANARY));
      const up = await upload(photo, 'image/jpeg');
      const receipt = await up.json();
      assert.equal(up.status, 201, JSON.stringify(receipt));
      assert.equal(receipt.stored, true);
      assert.equal(receipt.version, 2, "the report's next version in the ledger");
      // The ledger holds version 2 of the report, whose record carries the stored image's SHA-256.
      const { rows } = await server.ctx.db.query<{ v: number }>(
        `SELECT record_version AS v FROM ledger_commitments WHERE record_kind = 'public.report' AND record_id = $1 ORDER BY 1`,
        [r.json.id],
      );
      assert.deepEqual(
        rows.map((x) => Number(x.v)),
        [1, 2],
      );
      // A PDF is kept only as its hash.
      const pdf = Buffer.from(`%PDF-1.4\n% ${CANARY}\n%%EOF\n`);
      const upPdf = await upload(pdf, 'application/pdf');
      const pdfReceipt = await upPdf.json();
      assert.equal(upPdf.status, 201, JSON.stringify(pdfReceipt));
      assert.equal(pdfReceipt.stored, false);
      // Refused: a PNG sent as JPEG (422), SVG (415), more than 5 MiB (413), a bad token (400/404).
      const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'white' } })
        .png()
        .toBuffer();
      const mismatch = await upload(png, 'image/jpeg');
      assert.equal(mismatch.status, 422, await mismatch.text());
      const svg = await upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
      assert.equal(svg.status, 415, await svg.text());
      const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1, 1), 'application/octet-stream');
      assert.equal(big.status, 413, await big.text());
      const stranger = await upload(png, 'image/png', `bwr_${'A'.repeat(43)}`);
      assert.equal(stranger.status, 404, await stranger.text());
      // At most five.
      for (let i = 0; i < 3; i++) assert.equal((await upload(png, 'image/png')).status, 201);
      const sixth = await upload(png, 'image/png');
      assert.equal(sixth.status, 409, await sixth.text());
      // Staff see the list and view the stored image: no metadata, no canary; a hash-only file has no bytes.
      const auth = { authorization: `Bearer ${analyst}` };
      const detail = await api('GET', `/api/v1/public-reports/${r.json.id}`, undefined, auth);
      assert.equal(detail.json.attachments.length, 5);
      const first = detail.json.attachments[0];
      assert.equal(first.sha256, receipt.sha256);
      const view = await fetch(`${server.url}/api/v1/public-reports/${r.json.id}/attachments/${first.id}`, {
        headers: auth,
      });
      assert.equal(view.status, 200);
      assert.equal(view.headers.get('content-type'), 'image/jpeg');
      assert.equal(view.headers.get('x-content-type-options'), 'nosniff');
      const bytes = Buffer.from(await view.arrayBuffer());
      assert.ok(!bytes.includes(CANARY));
      const meta = await sharp(bytes).metadata();
      assert.equal(meta.exif, undefined);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), receipt.sha256);
      const hashOnly = detail.json.attachments.find((a: { stored: boolean }) => !a.stored);
      assert.equal(hashOnly.sha256, createHash('sha256').update(pdf).digest('hex'));
      const none = await api(
        'GET',
        `/api/v1/public-reports/${r.json.id}/attachments/${hashOnly.id}`,
        undefined,
        auth,
      );
      assert.equal(none.status, 404);
      // Nobody else: anonymous 401, a bank's analyst 403/404.
      const anon = await api('GET', `/api/v1/public-reports/${r.json.id}/attachments/${first.id}`);
      assert.equal(anon.status, 401);
      const bankView = await api(
        'GET',
        `/api/v1/public-reports/${r.json.id}/attachments/${first.id}`,
        undefined,
        { authorization: `Bearer ${bank}` },
      );
      assert.ok(bankView.status === 403 || bankView.status === 404, bankView.text);
      // The reporter's timeline shows them.
      const st = await api('GET', '/api/v1/public/reports/status', undefined, { 'x-receipt-token': token });
      assert.equal(st.json.timeline.filter((x: { step: string }) => x.step === 'attachment').length, 5);
    });

    test('the canary contact appears in no export, feed, list, ledger entry or plain column', async () => {
      const auth = { authorization: `Bearer ${analyst}` };
      const bodies: string[] = [];
      const q = await api('GET', '/api/v1/public-reports?limit=500&status=received', undefined, auth);
      bodies.push(q.text);
      for (const item of q.json.items)
        bodies.push((await api('GET', `/api/v1/public-reports/${item.id}`, undefined, auth)).text);
      for (const st of ['candidate', 'published', 'watching'])
        bodies.push(
          (await api('GET', `/api/v1/public-reports/observables?status=${st}`, undefined, auth)).text,
        );
      for (const f of ['text', 'csv', 'stix'])
        bodies.push((await api('GET', `/api/v1/public/blocklist?format=${f}`)).text);
      // The X-ARF export to abuse desks (it carries the URL the canary's reports named).
      const xarf = await api('GET', '/api/v1/public-reports/xarf?format=ndjson', undefined, auth);
      assert.ok(xarf.text.includes('xarf-phish'), 'the export is not empty');
      bodies.push(xarf.text, (await api('GET', '/api/v1/public-reports/xarf', undefined, auth)).text);
      bodies.push((await api('GET', '/api/v1/public/statistics')).text);
      const cols = await api('GET', '/taxii2/default/collections/', undefined, { ...auth, accept: TAXII });
      for (const c of cols.json.collections ?? [])
        bodies.push(
          (
            await api('GET', `/taxii2/default/collections/${c.id}/objects/`, undefined, {
              ...auth,
              accept: TAXII,
            })
          ).text,
        );
      // And the database holds it only encrypted.
      const { rows } = await server.ctx.db.query<{ t: string }>(
        `SELECT row_to_json(r)::text AS t FROM public_reports r`,
      );
      bodies.push(...rows.map((r) => r.t));
      // Attachments: the stored images' bytes (their EXIF carried the canary) and every column.
      const { rows: files } = await server.ctx.db.query<{ t: string }>(
        `SELECT encode(content, 'escape') || row_to_json(a)::text AS t FROM public_report_attachments a WHERE content IS NOT NULL`,
      );
      assert.ok(files.length > 0, 'there are stored attachments to search');
      bodies.push(...files.map((r) => r.t));
      const { rows: entries } = await server.ctx.db.query<{ t: string }>(
        `SELECT encode(entry, 'escape') AS t FROM ledger_commitments`,
      );
      bodies.push(...entries.map((r) => r.t));
      for (const b of bodies)
        assert.ok(
          !b.includes(CANARY) && !b.includes('canary-7f3a9c'),
          `the canary leaked: ${b.slice(0, 200)}`,
        );
    });

    test('a flood from one network prefix is refused with 429', async () => {
      let refused: { status: number; headers: Headers } | undefined;
      for (let i = 0; i < 30 && !refused; i++) {
        const r = await report({ narrative: `flood ${i}` });
        if (r.status === 429) refused = r;
        else assert.equal(r.status, 201, r.text);
      }
      assert.ok(refused, 'the flood was refused');
    });
  });
}
