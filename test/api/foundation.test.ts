// The foundation through the real HTTP stack, on PGlite and on PostgreSQL: authentication,
// sessions and CSRF, tokens, scoped lists, and bad input on every endpoint (clear RFC 9457
// answers, nothing half-written, the server keeps serving).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/demo.ts';
import { canSee, visibleOrgsSql } from '../../src/access/index.ts';
import { testDatabaseKinds, type TestDatabase } from '../../src/platform/testing.ts';

interface Res {
  status: number;
  type: string;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; type?: string; cookie?: string; csrf?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] = opts.type ?? 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = opts.type ?? 'application/json';
  }
  const r = await fetch(base + path, { method, headers, body });
  const text = await r.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { text };
  }
  return { status: r.status, type: r.headers.get('content-type') ?? '', body: parsed, headers: r.headers };
}

function assertProblem(r: Res, status: number, detailPattern?: RegExp) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  assert.match(r.type, /^application\/problem\+json/);
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.title, 'string');
  assert.equal(typeof r.body.detail, 'string');
  assert.match(String(r.body.type), /^https:\/\//);
  if (detailPattern) assert.match(String(r.body.detail), detailPattern);
}

for (const kind of testDatabaseKinds()) {
  describe(`foundation API on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let admin: string;
    let viewer: string;
    let reporterGrid: string;
    let centreId: string;
    let gridId: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, { SIGN_IN_PER_MINUTE: '1000' });
      centreId = s.orgId('National Cyber Security Coordination Centre');
      gridId = s.orgId('Northport Power Grid');
      admin = await s.token(centreId, 'admin');
      viewer = await s.token(centreId, 'viewer');
      reporterGrid = await s.token(gridId, 'reporter');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('health and readiness', async () => {
      assert.equal((await call(s.url, 'GET', '/healthz')).status, 200);
      const ready = await call(s.url, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.database, kind.name);
    });

    test('OpenAPI 3.1 document describes the API, security headers on every answer', async () => {
      const r = await call(s.url, 'GET', '/api/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      const paths = r.body.paths as Record<string, Record<string, unknown>>;
      for (const p of ['/api/v1/orgs', '/api/v1/users', '/api/v1/tokens', '/api/v1/session'])
        assert.ok(paths[p], p);
      assert.ok(paths['/api/v1/orgs']!.post);
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.ok(r.headers.get('x-request-id'));
      const docs = await fetch(`${s.url}/api/docs/`);
      assert.equal(docs.status, 200);
    });

    test('a request id given by the caller is echoed, a hostile one replaced', async () => {
      const ok = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
      assert.equal(ok.headers.get('x-request-id'), 'abc-123');
      const bad = await fetch(`${s.url}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
      assert.notEqual(bad.headers.get('x-request-id'), 'a b<script>');
    });

    test('every API endpoint refuses anonymous callers with 401 problem+json', async () => {
      for (const [m, p] of [
        ['GET', '/api/v1/orgs'],
        ['GET', `/api/v1/orgs/${centreId}`],
        ['POST', '/api/v1/orgs'],
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/users'],
        ['GET', '/api/v1/tokens'],
        ['POST', '/api/v1/tokens'],
        ['DELETE', `/api/v1/tokens/${centreId}`],
        ['GET', '/api/v1/session'],
      ] as const) {
        const r = await call(s.url, m, p, m === 'POST' ? { body: {} } : {});
        assertProblem(r, 401);
        assert.match(r.headers.get('www-authenticate') ?? '', /Bearer/);
      }
      assertProblem(
        await call(s.url, 'GET', '/api/v1/orgs', { token: 'bwk_nonsense' }),
        401,
        /invalid, expired or revoked/,
      );
    });

    test('lists are scoped by the shared access function', async () => {
      const all = await call(s.url, 'GET', '/api/v1/orgs', { token: viewer });
      assert.equal(all.status, 200);
      assert.equal((all.body.items as unknown[]).length, 24);
      const own = await call(s.url, 'GET', '/api/v1/orgs', { token: reporterGrid });
      assert.deepEqual(
        (own.body.items as { id: string }[]).map((o) => o.id),
        [gridId],
      );
      const regulator = await s.token(s.orgId('Energy Regulator'), 'viewer');
      const seen = (await call(s.url, 'GET', '/api/v1/orgs', { token: regulator })).body.items as {
        kind: string;
        sector: string | null;
        name: string;
      }[];
      assert.ok(seen.length > 1);
      for (const o of seen)
        assert.ok(
          o.name === 'Energy Regulator (demo)' || (o.kind === 'operator' && o.sector === 'energy'),
          o.name,
        );
      const users = (await call(s.url, 'GET', '/api/v1/users', { token: reporterGrid })).body.items as {
        org: string;
      }[];
      assert.ok(users.length >= 1);
      for (const u of users) assert.equal(u.org, gridId);
      // An organization outside the caller's view is indistinguishable from a missing one.
      assertProblem(await call(s.url, 'GET', `/api/v1/orgs/${centreId}`, { token: reporterGrid }), 404);
      const filtered = await call(s.url, 'GET', '/api/v1/orgs?kind=operator&sector=energy', {
        token: viewer,
      });
      for (const o of filtered.body.items as { kind: string; sector: string }[])
        assert.deepEqual([o.kind, o.sector], ['operator', 'energy']);
    });

    test('the SQL form of the access rule agrees with canSee for every organization', async () => {
      const root = (await s.ctx.orgs.root())!;
      const orgs = await s.ctx.orgs.listOrgs(systemActor(root));
      for (const o of orgs) {
        const ref = (await s.ctx.orgs.orgRef(o.id))!;
        const actor = {
          subject: 'user' as const,
          id: 'x',
          userId: null,
          name: 'x',
          org: ref,
          roles: ['viewer' as const],
        };
        const params: unknown[] = [];
        const r = await tdb.db.query<{ id: string }>(
          `SELECT id FROM organizations WHERE ${visibleOrgsSql(actor, 'id', params)} ORDER BY id`,
          params,
        );
        const inMemory = [];
        for (const t of orgs) if (canSee(actor, (await s.ctx.orgs.orgRef(t.id))!)) inMemory.push(t.id);
        assert.deepEqual(
          r.rows.map((x) => x.id),
          inMemory.sort(),
          o.name,
        );
      }
    });

    test('creating organizations: allowed for admins of the parent, validated, refused otherwise', async () => {
      const northId = s.orgId('Northern Province Cyber Office');
      const good = {
        name: 'Test Operator A',
        kind: 'operator',
        parent: northId,
        region: 'BW-N',
        sector: 'water',
        critical: true,
      };
      const created = await call(s.url, 'POST', '/api/v1/orgs', { token: admin, body: good });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.parent, northId);
      assert.equal(created.body.depth, 2);
      // Forbidden: a viewer of the centre may see the province but not administer it.
      assertProblem(
        await call(s.url, 'POST', '/api/v1/orgs', { token: viewer, body: good }),
        403,
        /may not administer/,
      );
      // An operator cannot create under a parent it cannot see: 404, not 403.
      assertProblem(await call(s.url, 'POST', '/api/v1/orgs', { token: reporterGrid, body: good }), 404);
      const before = (await call(s.url, 'GET', '/api/v1/orgs', { token: viewer })).body.items as unknown[];
      const bad: [unknown, RegExp][] = [
        [{ ...good, extra: 1 }, /\/extra is not a known field/],
        [{ ...good, critical: 'yes' }, /\/critical must be boolean/],
        [{ ...good, kind: 'government' }, /\/kind must be one of/],
        [{ ...good, region: 'bw-n' }, /\/region must match pattern/],
        [{ ...good, parent: 'not-a-uuid' }, /\/parent must match format "uuid"/],
        [{ name: 'x' }, /is required/],
        [[], /must be object/],
        ['a string', /must be object/],
      ];
      for (const [body, pattern] of bad) {
        const r = await call(s.url, 'POST', '/api/v1/orgs', { token: admin, body });
        assertProblem(r, 400, pattern);
        assert.ok(Array.isArray(r.body.errors) && (r.body.errors as unknown[]).length > 0);
      }
      assertProblem(
        await call(s.url, 'POST', '/api/v1/orgs', { token: admin, body: { ...good, region: 'BW-S' } }),
        422,
        /region/,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/orgs', { token: admin, body: { ...good, parent: gridId } }),
        422,
        /operator cannot have child/,
      );
      const afterList = (await call(s.url, 'GET', '/api/v1/orgs', { token: viewer })).body.items as unknown[];
      assert.equal(afterList.length, before.length, 'nothing half-written');
    });

    test('malformed, oversized and wrongly typed bodies get precise problems', async () => {
      for (const path of ['/api/v1/orgs', '/api/v1/users', '/api/v1/tokens', '/api/v1/session']) {
        assertProblem(
          await call(s.url, 'POST', path, { token: admin, raw: '{"name": ' }),
          400,
          /not valid JSON/,
        );
        assertProblem(await call(s.url, 'POST', path, { token: admin, raw: '' }), 400, /empty/);
        assertProblem(
          await call(s.url, 'POST', path, {
            token: admin,
            raw: 'name=x',
            type: 'application/x-www-form-urlencoded',
          }),
          415,
          /x-www-form-urlencoded/,
        );
        assertProblem(
          await call(s.url, 'POST', path, { token: admin, raw: 'hello', type: 'text/plain' }),
          415,
        );
        const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
        assertProblem(await call(s.url, 'POST', path, { token: admin, raw: big }), 413, /1048576 bytes/);
      }
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs?kind=bogus', { token: viewer }), 400, /kind/);
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs?unknown=1', { token: viewer }), 400, /unknown/);
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs/123', { token: viewer }), 400, /uuid/);
      assertProblem(await call(s.url, 'GET', '/api/v1/users?org=nope', { token: viewer }), 400, /uuid/);
      assertProblem(await call(s.url, 'DELETE', '/api/v1/tokens/nope', { token: admin }), 400, /uuid/);
      assertProblem(
        await call(s.url, 'POST', '/api/v1/tokens', {
          token: admin,
          body: { name: 'x', role: 'admin', expiresInDays: 1000 },
        }),
        400,
        /expiresInDays must be <= 366/,
      );
      assertProblem(await call(s.url, 'GET', '/api/v1/nothing-here', { token: viewer }), 404);
      assertProblem(await call(s.url, 'PUT', '/api/v1/orgs', { token: viewer, body: {} }), 404);
    });

    test('hostile input never produces a 5xx and the server keeps serving', async () => {
      const payloads: string[] = [
        '{"__proto__": {"admin": true}, "name": "x"}',
        '{"constructor": {"prototype": {"x": 1}}}',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        '{"name": "\\u0000\\ud800"}',
        '"\\ud83d"',
        'null',
        '12345678901234567890123456789',
        '{"username": {"$gt": ""}, "password": {"$gt": ""}}',
        `{"username": "${"' OR 1=1 --".repeat(3)}", "password": "x"}`,
      ];
      for (const path of ['/api/v1/orgs', '/api/v1/users', '/api/v1/tokens', '/api/v1/session']) {
        for (const raw of payloads) {
          const r = await call(s.url, 'POST', path, {
            token: path === '/api/v1/session' ? undefined : admin,
            raw,
          });
          assert.ok(
            r.status >= 400 && r.status < 500,
            `${path} ${raw.slice(0, 40)} → ${r.status} ${JSON.stringify(r.body)}`,
          );
          assert.match(r.type, /problem\+json/);
        }
      }
      assert.equal(({} as Record<string, unknown>).admin, undefined);
      assert.equal((await call(s.url, 'GET', '/healthz')).status, 200);
    });

    test('users: created by admins with hashed passwords, duplicate names refused, scoped', async () => {
      const body = {
        username: 'test.user1',
        name: 'Test User',
        org: gridId,
        roles: ['analyst'],
        password: 'correct horse battery',
      };
      const r = await call(s.url, 'POST', '/api/v1/users', { token: admin, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.password, undefined);
      assert.equal(r.body.passwordHash, undefined);
      const stored = await tdb.db.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = $1',
        ['test.user1'],
      );
      assert.match(stored.rows[0]!.password_hash, /^scrypt\$32768\$8\$1\$/);
      assert.ok(!stored.rows[0]!.password_hash.includes('correct horse'));
      assertProblem(await call(s.url, 'POST', '/api/v1/users', { token: admin, body }), 409, /not available/);
      const taken = await call(s.url, 'POST', '/api/v1/users', { token: admin, body });
      assert.equal(taken.body.type, 'https://bulwark.example/problems/username-taken');
      assertProblem(
        await call(s.url, 'POST', '/api/v1/users', {
          token: admin,
          body: { ...body, username: 'short.pw', password: 'short' },
        }),
        400,
        /password/,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/users', {
          token: reporterGrid,
          body: { ...body, username: 'test.user2' },
        }),
        403,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/users', {
          token: viewer,
          body: { ...body, username: 'test.user3' },
        }),
        403,
      );
    });

    test('tokens: shown once, stored hashed, scoped, revocable', async () => {
      const r = await call(s.url, 'POST', '/api/v1/tokens', {
        token: admin,
        body: { name: 'ci', role: 'analyst', org: gridId, expiresInDays: 7 },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const token = String(r.body.token);
      const meta = r.body.meta as { id: string; org: string; role: string };
      assert.match(token, /^bwk_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
      assert.deepEqual([meta.org, meta.role], [gridId, 'analyst']);
      const row = await tdb.db.query<{ secret_hash: Uint8Array }>(
        'SELECT secret_hash FROM api_tokens WHERE id = $1',
        [meta.id],
      );
      assert.equal(Buffer.from(row.rows[0]!.secret_hash).length, 32);
      assert.ok(!Buffer.from(row.rows[0]!.secret_hash).toString('utf8').includes(token.slice(-43)));
      const own = await call(s.url, 'GET', '/api/v1/orgs', { token });
      assert.deepEqual(
        (own.body.items as { id: string }[]).map((o) => o.id),
        [gridId],
      );
      const listed = (await call(s.url, 'GET', '/api/v1/tokens', { token: reporterGrid })).body.items as {
        id: string;
        org: string;
      }[];
      assert.ok(listed.some((t) => t.id === meta.id));
      for (const t of listed) assert.equal(t.org, gridId);
      assert.ok(!JSON.stringify(listed).includes(token.slice(-43)));
      // A reporter cannot issue an admin token; nobody can issue one for an org outside their reach.
      assertProblem(
        await call(s.url, 'POST', '/api/v1/tokens', {
          token: reporterGrid,
          body: { name: 'x', role: 'admin' },
        }),
        403,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/tokens', {
          token: reporterGrid,
          body: { name: 'x', role: 'viewer', org: centreId },
        }),
        404,
      );
      assertProblem(await call(s.url, 'DELETE', `/api/v1/tokens/${meta.id}`, { token: viewer }), 403);
      const revoked = await call(s.url, 'DELETE', `/api/v1/tokens/${meta.id}`, { token: admin });
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs', { token }), 401);
      assertProblem(
        await call(s.url, 'DELETE', '/api/v1/tokens/00000000-0000-4000-8000-000000000000', { token: admin }),
        404,
      );
    });

    test('console sessions: HttpOnly SameSite cookie, CSRF on state changes, sign-out', async () => {
      const cred = s.creds.find((c) => c.username === 'admin')!;
      assertProblem(
        await call(s.url, 'POST', '/api/v1/session', { body: { username: 'admin', password: 'wrong' } }),
        401,
        /username or password is wrong/,
      );
      assertProblem(
        await call(s.url, 'POST', '/api/v1/session', { body: { username: 'nobody', password: 'wrong' } }),
        401,
        /username or password is wrong/,
      );
      const r = await call(s.url, 'POST', '/api/v1/session', {
        body: { username: 'admin', password: cred.password },
      });
      assert.equal(r.status, 200);
      const setCookie = r.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /bulwark_session=/);
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Strict/i);
      const cookie = setCookie.split(';')[0]!;
      const csrf = String(r.body.csrfToken);
      assert.equal((await call(s.url, 'GET', '/api/v1/session', { cookie })).status, 200);
      assert.equal((await call(s.url, 'GET', '/api/v1/orgs', { cookie })).status, 200);
      const body = { name: 'session token', role: 'viewer' };
      assertProblem(await call(s.url, 'POST', '/api/v1/tokens', { cookie, body }), 403, /x-csrf-token/);
      assertProblem(await call(s.url, 'POST', '/api/v1/tokens', { cookie, body, csrf: 'forged' }), 403);
      assert.equal((await call(s.url, 'POST', '/api/v1/tokens', { cookie, body, csrf })).status, 201);
      assert.equal((await call(s.url, 'DELETE', '/api/v1/session', { cookie, csrf })).status, 204);
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs', { cookie }), 401);
    });

    test('updating organizations and users: administer only, validated, disabling ends sessions', async () => {
      const bankId = s.orgId('Northport Savings Bank');
      const renamed = await call(s.url, 'PATCH', `/api/v1/orgs/${bankId}`, {
        token: admin,
        body: { name: 'Northport Savings Bank (demo, renamed)' },
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(renamed.body.name, 'Northport Savings Bank (demo, renamed)');
      const seen = await call(s.url, 'GET', `/api/v1/orgs/${bankId}`, { token: viewer });
      assert.equal(seen.body.name, 'Northport Savings Bank (demo, renamed)');
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/orgs/${bankId}`, { token: admin, body: {} }),
        400,
        /fewer than 1|minProperties|must NOT have fewer/,
      );
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/orgs/${bankId}`, { token: admin, body: { kind: 'operator' } }),
        400,
        /not a known field/,
      );
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/orgs/${bankId}`, { token: viewer, body: { critical: false } }),
        403,
      );
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/orgs/${bankId}`, {
          token: reporterGrid,
          body: { critical: false },
        }),
        404,
      );

      const created = await call(s.url, 'POST', '/api/v1/users', {
        token: admin,
        body: {
          username: 'to.disable',
          name: 'To Disable',
          org: bankId,
          roles: ['viewer'],
          password: 'a long enough password',
        },
      });
      const userId = String(created.body.id);
      const signIn = await call(s.url, 'POST', '/api/v1/session', {
        body: { username: 'to.disable', password: 'a long enough password' },
      });
      assert.equal(signIn.status, 200);
      const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
      assert.equal((await call(s.url, 'GET', '/api/v1/orgs', { cookie })).status, 200);
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/users/${userId}`, {
          token: reporterGrid,
          body: { disabled: true },
        }),
        404,
      );
      assertProblem(
        await call(s.url, 'PATCH', `/api/v1/users/${userId}`, { token: admin, body: { roles: ['emperor'] } }),
        400,
        /roles/,
      );
      const disabled = await call(s.url, 'PATCH', `/api/v1/users/${userId}`, {
        token: admin,
        body: { disabled: true },
      });
      assert.equal(disabled.status, 200);
      assert.equal(disabled.body.disabled, true);
      assertProblem(await call(s.url, 'GET', '/api/v1/orgs', { cookie }), 401);
      assertProblem(
        await call(s.url, 'POST', '/api/v1/session', {
          body: { username: 'to.disable', password: 'a long enough password' },
        }),
        401,
      );
      const back = await call(s.url, 'PATCH', `/api/v1/users/${userId}`, {
        token: admin,
        body: { disabled: false, roles: ['analyst'] },
      });
      assert.deepEqual([back.body.disabled, back.body.roles], [false, ['analyst']]);
    });

    test('sign-in throttling after repeated failures: 429 with Retry-After, never a lock', async () => {
      await call(s.url, 'POST', '/api/v1/users', {
        token: admin,
        body: {
          username: 'lock.me',
          name: 'Lock Me',
          org: gridId,
          roles: ['viewer'],
          password: 'the right password 1',
        },
      });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push(
          (
            await call(s.url, 'POST', '/api/v1/session', {
              body: { username: 'lock.me', password: `wrong${i}` },
            })
          ).status,
        );
      // Five free failures, the sixth starts a 1 s delay, the seventh arrives inside it.
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 429]);
      const held = await call(s.url, 'POST', '/api/v1/session', {
        body: { username: 'lock.me', password: 'the right password 1' },
      });
      assertProblem(held, 429, /try again in \d+ s/);
      assert.ok(Number(held.headers.get('retry-after')) >= 1);
      await new Promise((r) => setTimeout(r, Number(held.headers.get('retry-after')) * 1000 + 100));
      const ok = await call(s.url, 'POST', '/api/v1/session', {
        body: { username: 'lock.me', password: 'the right password 1' },
      });
      assert.equal(ok.status, 200);
    });
  });
}
