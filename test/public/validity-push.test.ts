// A published observable's validity, extended in the portal by each new report, reaches its STIX
// indicator through the public sweeper's batched push (issue 12), on PGlite and PostgreSQL: after a
// pass the telecom's TAXII pull with `added_after` the first version gets a new version of the same
// indicator with the later valid_until and a bank's pull gets nothing; a pass with nothing new
// pushes nothing; an extension within the slack waits; a failed push does not stop the others and
// is tried again on a later pass; the canary contact of the reports is nowhere in what was pushed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { intelIndicatorPublisher } from '../../src/app/public-indicators.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { VALIDITY_PUSH_RETRY_MS, VALIDITY_PUSH_SLACK_MS } from '../../src/public/service.ts';
import { jsonClient, solvedPow } from '../support/public.ts';

const CANARY = 'canary-5b1e8d@reporter.example';
const TAXII = 'application/taxii+json;version=2.1';

for (const kind of testDatabaseKinds()) {
  describe(`public indicator validity pushed to intel (${kind.name})`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let server: TestServer;
    let analyst: string;
    let telecom: string;
    let bank: string;
    let community: string;

    const api = jsonClient(() => server.url);

    const report = async (phone: string, reporterToken: string) => {
      const r = await api('POST', '/api/v1/public/reports', {
        category: 'fraud.impersonation-bank',
        contactMethod: 'call',
        region: 'BW-N',
        narrative: `A caller said they were my bank (${reporterToken}).`,
        observables: [{ type: 'phone', value: phone }],
        contact: CANARY,
        reporterToken,
        pow: await solvedPow(server.url),
      });
      assert.equal(r.status, 201, r.text);
    };

    const promote = async (key: string): Promise<string> => {
      const r = await api(
        'POST',
        '/api/v1/public-reports/observables/promote',
        { type: 'phone', key },
        { authorization: `Bearer ${analyst}` },
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'published');
      return r.json.indicatorId as string;
    };

    const staffView = async (key: string) => {
      const r = await api('GET', '/api/v1/public-reports/observables?status=published&limit=500', undefined, {
        authorization: `Bearer ${analyst}`,
      });
      assert.equal(r.status, 200, r.text);
      const o = r.json.items.find((c: { key: string }) => c.key === key);
      assert.ok(o, `${key} is published`);
      return o as { validUntil: string; indicatorValidUntil: string | null };
    };

    /** A TAXII pull of the community collection: the objects and the last date added. */
    const pull = async (token: string, addedAfter?: string) => {
      const q = addedAfter ? `?added_after=${encodeURIComponent(addedAfter)}` : '';
      const r = await api('GET', `/taxii2/default/collections/${community}/objects/${q}`, undefined, {
        authorization: `Bearer ${token}`,
        accept: TAXII,
      });
      assert.equal(r.status, 200, r.text);
      return {
        objects: (r.json.objects ?? []) as Record<string, unknown>[],
        text: r.text,
        last: r.headers.get('x-taxii-date-added-last') ?? undefined,
      };
    };

    /**
     * Time passing without waiting: the observable as if promoted `days` ago (its portal validity and
     * the validity its indicator was given both that much earlier), so that a report now extends it
     * by more than the slack, as a report days after the promotion does.
     */
    const promotedDaysAgo = async (key: string, days: number) => {
      await tdb.db.query(
        `UPDATE public_observables SET valid_until = valid_until - make_interval(days => $3),
                pushed_valid_until = pushed_valid_until - make_interval(days => $3)
          WHERE type = $1 AND key = $2`,
        ['phone', key, days],
      );
    };

    before(async () => {
      tdb = await kind.open();
      server = await startTestServer(tdb.db, {
        BULWARK_PUBLIC_POW_COUNTER: '50',
        BULWARK_PUBLIC_PER_PREFIX_PER_HOUR: '1000',
        BULWARK_PUBLIC_PER_CONTACT_PER_DAY: '100',
      });
      const centre = server.orgId('National Cyber Security Coordination Centre');
      analyst = await server.token(centre, 'analyst');
      telecom = await server.token(server.orgId('Ridgeford Telecom'), 'analyst');
      bank = await server.token(server.orgId('Northport Savings Bank'), 'analyst');
      community = (await server.ctx.intel.community()).id;
    });

    after(async () => {
      await server?.close();
      await tdb?.dispose();
    });

    test("a later report's extension reaches the telecom's TAXII pull after one pass; a bank sees nothing", async () => {
      const key = '+8613755501234';
      await report('+86 137 5550 1234', 'reporter-vvvvvvvvvvvvvvvvvvv01');
      const indicatorId = await promote(key);
      const first = (await pull(telecom)).objects.find((o) => o.id === indicatorId);
      assert.ok(first, 'the telecom gets the indicator');
      const promoted = await staffView(key);
      assert.equal(promoted.indicatorValidUntil, promoted.validUntil, 'published with the portal validity');
      assert.equal(new Date(String(first.valid_until)).toISOString(), promoted.validUntil);
      const firstAdded = (await pull(telecom)).last;
      assert.ok(firstAdded);
      // Nothing extended yet: a pass pushes nothing.
      assert.deepEqual(await server.ctx.publicReports.pushValidity(), { pushed: 0, unchanged: 0, failed: 0 });

      // Two days later a second reporter names the number: the portal's validity moves forward.
      await promotedDaysAgo(key, 2);
      await report('+86 137 5550 1234', 'reporter-vvvvvvvvvvvvvvvvvvv02');
      const extended = await staffView(key);
      assert.ok(
        new Date(extended.validUntil).getTime() >
          new Date(extended.indicatorValidUntil!).getTime() + VALIDITY_PUSH_SLACK_MS,
        'the portal validity is ahead of the indicator',
      );
      assert.ok(new Date(extended.validUntil) > new Date(String(first.valid_until)));
      // Not pushed by intake: the telecom's pull still has only the first version.
      assert.deepEqual((await pull(telecom, firstAdded)).objects, []);

      // One sweeper pass: a new version of the same indicator.
      assert.deepEqual(await server.ctx.publicReports.pushValidity(), { pushed: 1, unchanged: 0, failed: 0 });
      const since = await pull(telecom, firstAdded);
      assert.equal(since.objects.length, 1, since.text);
      const v2 = since.objects[0]!;
      assert.equal(v2.id, indicatorId);
      assert.equal(new Date(String(v2.valid_until)).toISOString(), extended.validUntil);
      assert.equal(v2.created, first.created);
      assert.ok(String(v2.modified) > String(first.modified), 'a later modified');
      for (const p of ['pattern', 'valid_from', 'name', 'description', 'object_marking_refs', 'labels'])
        assert.deepEqual(v2[p], first[p], `${p} as in the first version`);
      // The staff view says what the indicator now has.
      const pushed = await staffView(key);
      assert.equal(pushed.indicatorValidUntil, pushed.validUntil);
      // A bank's pull sees neither version.
      assert.ok(!(await pull(bank, firstAdded)).objects.some((o) => o.id === indicatorId));
      assert.ok(!(await pull(bank)).objects.some((o) => o.id === indicatorId));
      // The matcher follows the latest version: the telecom's match finds the number.
      const m = await api(
        'POST',
        '/api/v1/intel/match',
        { observables: [{ type: 'x-bulwark-phone-number', value: key }] },
        { authorization: `Bearer ${telecom}` },
      );
      assert.equal(m.status, 200, m.text);
      assert.ok(
        m.json.hits.some((h: { indicator: string }) => h.indicator === indicatorId),
        m.text,
      );
      // No reporter data in what was pushed (the reports carried the canary contact).
      for (const t of [since.text, JSON.stringify(v2)]) {
        assert.ok(
          !t.includes(CANARY) && !t.includes('canary-5b1e8d'),
          'the canary is not in the pushed object',
        );
        assert.ok(!t.includes('reporter-vvvv'), 'nor the reporter token');
      }

      // A second pass with nothing new pushes nothing, and the feed has nothing new.
      assert.deepEqual(await server.ctx.publicReports.pushValidity(), { pushed: 0, unchanged: 0, failed: 0 });
      assert.deepEqual((await pull(telecom, since.last)).objects, []);
      // A report moments later extends the portal by seconds: within the slack, not pushed.
      await report('+86 137 5550 1234', 'reporter-vvvvvvvvvvvvvvvvvvv03');
      const seconds = await staffView(key);
      assert.ok(seconds.validUntil > pushed.validUntil);
      assert.deepEqual(await server.ctx.publicReports.pushValidity(), { pushed: 0, unchanged: 0, failed: 0 });
      assert.deepEqual((await pull(telecom, since.last)).objects, []);
    });

    test('a failed push does not stop the others and is tried again on a later pass', async () => {
      const a = '+8613755502001';
      const b = '+8613755502002';
      await report('+86 137 5550 2001', 'reporter-wwwwwwwwwwwwwwwwwww01');
      await report('+86 137 5550 2002', 'reporter-wwwwwwwwwwwwwwwwwww02');
      const idA = await promote(a);
      const idB = await promote(b);
      await promotedDaysAgo(a, 3);
      await promotedDaysAgo(b, 3);
      await report('+86 137 5550 2001', 'reporter-wwwwwwwwwwwwwwwwwww03');
      await report('+86 137 5550 2002', 'reporter-wwwwwwwwwwwwwwwwwww04');
      // The publisher fails once for A (threat intelligence unavailable, say).
      const real = intelIndicatorPublisher(server.ctx.intel, server.ctx.orgs);
      let failures = 0;
      server.ctx.publicReports.connectPublisher({
        publish: (actor, input) => real.publish(actor, input),
        async extend(input) {
          if (input.indicatorId === idA && failures++ === 0) throw new Error('intel unavailable');
          return real.extend(input);
        },
      });
      try {
        const now = new Date();
        assert.deepEqual(await server.ctx.publicReports.pushValidity(now), {
          pushed: 1,
          unchanged: 0,
          failed: 1,
        });
        const after1 = { a: await staffView(a), b: await staffView(b) };
        assert.equal(after1.b.indicatorValidUntil, after1.b.validUntil, 'B pushed');
        assert.notEqual(after1.a.indicatorValidUntil, after1.a.validUntil, 'A not pushed');
        // A pass soon after leaves A alone; one after the retry delay pushes it.
        assert.deepEqual(await server.ctx.publicReports.pushValidity(new Date(now.getTime() + 1000)), {
          pushed: 0,
          unchanged: 0,
          failed: 0,
        });
        assert.deepEqual(
          await server.ctx.publicReports.pushValidity(
            new Date(now.getTime() + VALIDITY_PUSH_RETRY_MS + 1000),
          ),
          { pushed: 1, unchanged: 0, failed: 0 },
        );
        const a2 = await staffView(a);
        assert.equal(a2.indicatorValidUntil, a2.validUntil, 'A pushed on the later pass');
        const objs = (await pull(telecom)).objects;
        for (const [id, view] of [
          [idA, a2],
          [idB, after1.b],
        ] as const) {
          const o = objs.find((x) => x.id === id);
          assert.ok(o, `the telecom gets ${id}`);
          assert.equal(new Date(String(o.valid_until)).toISOString(), view.validUntil);
        }
      } finally {
        server.ctx.publicReports.connectPublisher(intelIndicatorPublisher(server.ctx.intel, server.ctx.orgs));
      }
    });

    test('an indicator that already has the validity gets no new version (unknown pushed validity)', async () => {
      const key = '+8613755503001';
      await report('+86 137 5550 3001', 'reporter-xxxxxxxxxxxxxxxxxxx01');
      const id = await promote(key);
      const mark = (await pull(telecom)).last;
      // As for an observable published before migration 0960: what its indicator has is not known.
      await tdb.db.query(
        `UPDATE public_observables SET pushed_valid_until = NULL WHERE type = 'phone' AND key = $1`,
        [key],
      );
      assert.deepEqual(await server.ctx.publicReports.pushValidity(), { pushed: 0, unchanged: 1, failed: 0 });
      const view = await staffView(key);
      assert.equal(view.indicatorValidUntil, view.validUntil, 'learnt from the indicator');
      assert.ok(!(await pull(telecom, mark)).objects.some((o) => o.id === id), 'no new version');
    });
  });
}
