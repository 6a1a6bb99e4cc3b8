// Issue 8 #3 and #8 as sweeps over every operation of the OpenAPI document, on PGlite and
// PostgreSQL: path-encoded variants of each path (%61pi, %2F, double slashes, trailing dots, case)
// never authenticate an anonymous caller or skip the CSRF check of a cookie session, and NUL,
// lone surrogates, oversized strings and out-of-range integers in parameters and bodies are
// answered 4xx, never 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { fill, type Operation, operations, type Schema, ZERO_ID } from '../support/openapi.ts';
import { call, makeUser, type Res, signIn } from './support.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A value for a schema in which every string is `text` and every number `num`. */
function sample(schema: Schema | undefined, text: string, num: unknown, depth = 0): unknown {
  if (!schema || depth > 6) return text;
  if (schema.enum) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return sample(alt[0], text, num, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(schema.properties ?? {})) o[k] = sample(v, text, num, depth + 1);
      return o;
    }
    case 'array': {
      if (schema.prefixItems) return schema.prefixItems.map((s) => sample(s, text, num, depth + 1));
      const items = Array.isArray(schema.items) ? schema.items : [schema.items];
      return items.map((s) => sample(s, text, num, depth + 1));
    }
    case 'integer':
    case 'number':
      return num;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'uuid' ? ZERO_ID : text;
    default:
      return text;
  }
}

/** Path-encoded spellings of a path: some reach the same route, the others no route at all. */
function variants(path: string): string[] {
  const out = new Set<string>([path.replace(/^\/api\//, '/%61pi/')]);
  out.add(path.replace(/^\/api\/v1\//, '/api/v1%2F'));
  out.add(path.replace(/^\/api\//, '/api//'));
  out.add(path.replace(/^\/api\//, '//api/'));
  out.add(`${path}.`);
  out.add(`${path}/`);
  out.add(path.replace(/^\/api\//, '/API/'));
  out.add(path.replace(/^\/api\/v1\/(.)/, (_m, c: string) => `/api/v1/%${c.charCodeAt(0).toString(16)}`));
  out.add(path.replace(/^\/api\/v1\//, '/api/v1/./'));
  out.add(path.replace(/^\/api\/v1\//, '/api/x/../v1/'));
  return [...out];
}

function assertNo5xx(r: Res, what: string) {
  assert.ok(r.status < 500, `${what} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
}

for (const kind of testDatabaseKinds()) {
  describe(`security: OpenAPI sweeps on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let admin: string;
    let ops: Operation[];
    const publicOps = new Set<string>();

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, {
        SIGN_IN_PER_MINUTE: '100000',
        BULWARK_MAX_TOKENS_PER_ORG: '100000',
      });
      admin = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const doc = (await call(s.url, 'GET', '/api/openapi.json')).body as unknown as Parameters<
        typeof operations
      >[0];
      ops = operations(doc);
      assert.ok(ops.length > 20, `only ${ops.length} operations`);
      // Public operations answer an anonymous caller with something other than 401.
      for (const op of ops) {
        const r = await call(s.url, op.method, fill(op.path, ZERO_ID), op.body ? { body: {} } : {});
        if (r.status !== 401) publicOps.add(`${op.method} ${op.path}`);
      }
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('#3 the routes the outside test found open through %61pi are closed', async () => {
      const cookieUser = await makeUser(
        s.url,
        admin,
        s.orgId('National Cyber Security Coordination Centre'),
        ['admin'],
      );
      const { cookie } = await signIn(s.url, cookieUser.username, cookieUser.password);
      const made = await call(s.url, 'POST', '/%61pi/v1/users', {
        cookie,
        body: {
          username: 'csrf.victim',
          name: 'x',
          org: s.orgId('Northport Power Grid'),
          roles: ['admin'],
          password: 'a long enough password',
        },
      });
      assert.equal(made.status, 403, JSON.stringify(made.body));
      assert.equal(made.body.type, 'https://bulwark.example/problems/csrf');
      assert.equal(
        (await call(s.url, 'POST', '/%61pi/v1/exposures/rematch', { cookie })).status,
        403,
        'rematch without CSRF',
      );
      const compare = await call(s.url, 'POST', '/%61pi/v1/versions/compare', {
        body: { ecosystem: 'npm', pairs: [['1.0.0', '2.0.0']] },
      });
      assert.equal(compare.status, 401);
      // The public list: only what is meant to be public. The public reporting portal (its receipt
      // token is the credential for one report) and TAXII reads (answering TLP:CLEAR only to the
      // anonymous) are public on purpose (SECURITY.md).
      assert.deepEqual([...publicOps].sort(), [
        'DELETE /api/v1/public/reports/contact',
        'GET /api/v1/ledger/proofs/consistency',
        'GET /api/v1/ledger/proofs/inclusion',
        'GET /api/v1/ledger/status',
        'GET /api/v1/ping',
        'GET /api/v1/public/blocklist',
        'GET /api/v1/public/challenge',
        'GET /api/v1/public/check',
        'GET /api/v1/public/reports/status',
        'GET /api/v1/public/statistics',
        'GET /taxii2/',
        'GET /taxii2/default/',
        'GET /taxii2/default/collections/',
        'GET /taxii2/default/collections/{collection}/',
        'GET /taxii2/default/collections/{collection}/manifest/',
        'GET /taxii2/default/collections/{collection}/objects/',
        'GET /taxii2/default/collections/{collection}/objects/{id}/',
        'GET /taxii2/default/collections/{collection}/objects/{id}/versions/',
        'POST /api/v1/ledger/cosignatures',
        'POST /api/v1/public/reports',
        'POST /api/v1/public/reports/attachments',
        'POST /api/v1/public/reports/supplements',
        'POST /api/v1/session',
      ]);
    });

    test('#3 every operation, every path spelling: no anonymous or CSRF-less success, no 5xx', async () => {
      const victim = await makeUser(s.url, admin, s.orgId('National Cyber Security Coordination Centre'), [
        'admin',
      ]);
      const { cookie } = await signIn(s.url, victim.username, victim.password);
      for (const op of ops) {
        const isPublic = publicOps.has(`${op.method} ${op.path}`);
        for (const v of variants(fill(op.path, ZERO_ID))) {
          const body = op.body ? sample(op.body, 'x', 1) : undefined;
          const anon = await call(s.url, op.method, v, { body });
          assertNo5xx(anon, `anonymous ${op.method} ${v}`);
          if (!isPublic)
            assert.ok(anon.status >= 400, `anonymous ${op.method} ${v} succeeded: ${anon.status}`);
          if (!SAFE.has(op.method) && !isPublic) {
            const forged = await call(s.url, op.method, v, { cookie, body });
            assertNo5xx(forged, `cookie without CSRF ${op.method} ${v}`);
            assert.ok(
              forged.status >= 400,
              `cookie without CSRF ${op.method} ${v} succeeded: ${forged.status}`,
            );
          }
        }
      }
    });

    test('#8 NUL, lone surrogates, oversized text and huge numbers: 4xx on every operation', async () => {
      const texts = ['a\u0000b', 'a\ud800b', 'x'.repeat(100_000), 'rtl\u202eevil'];
      const numbers = [1e30, 1e20, -1, 2 ** 53 + 1];
      const queryNumbers = ['99999999999999999999', '1e30', 'Infinity', '-Infinity', 'NaN', '%00'];
      // Real ids for path parameters, so that bodies reach the services and the database.
      const ids = [
        ZERO_ID,
        s.orgId('Northport Power Grid'),
        (await call(s.url, 'GET', '/api/v1/users?limit=1', { token: admin })).body.items
          ? (
              (await call(s.url, 'GET', '/api/v1/users?limit=1', { token: admin })).body.items as {
                id: string;
              }[]
            )[0]!.id
          : ZERO_ID,
      ];
      const exposure = (await call(s.url, 'GET', '/api/v1/exposures?limit=1', { token: admin })).body.items as
        | { id: string; asset: string }[]
        | undefined;
      if (exposure?.[0]) ids.push(exposure[0].id, exposure[0].asset);
      const pathValues = [...ids, '%00', '%ED%A0%80', 'x'.repeat(5000), '99999999999999999999'];
      let requests = 0;
      for (const op of ops) {
        for (const id of op.path.includes('{') ? pathValues : [ZERO_ID]) {
          const path = fill(op.path, id);
          const queryParams = op.params.filter((p) => p.in === 'query');
          for (const q of queryParams) {
            for (const v of [...queryNumbers, encodeURIComponent(texts[0]!), '%ED%A0%80', 'x'.repeat(5000)]) {
              const r = await call(s.url, op.method, `${path}?${q.name}=${v}`, { token: admin });
              requests++;
              assertNo5xx(r, `${op.method} ${path}?${q.name}=${v.slice(0, 30)}`);
            }
          }
          const r = await call(s.url, op.method, path, { token: admin });
          requests++;
          assertNo5xx(r, `${op.method} ${path.slice(0, 80)}`);
          if (op.body && id !== 'x'.repeat(5000)) {
            for (const t of texts) {
              const body = sample(op.body, t, 1);
              const res = await call(s.url, op.method, path, { token: admin, body });
              requests++;
              assertNo5xx(res, `${op.method} ${path} body text ${JSON.stringify(t.slice(0, 10))}`);
            }
            for (const n of numbers) {
              const res = await call(s.url, op.method, path, {
                token: admin,
                body: sample(op.body, 'ok', n),
              });
              requests++;
              assertNo5xx(res, `${op.method} ${path} body number ${n}`);
            }
          }
        }
      }
      // Targeted: the cases the outside test reported.
      const grid = s.orgId('Northport Power Grid');
      for (const [m, p, body] of [
        [
          'POST',
          '/api/v1/orgs',
          { name: 'a\u0000', kind: 'operator', parent: grid, region: 'BW', sector: 'energy' },
        ],
        ['PATCH', `/api/v1/orgs/${grid}`, { name: 'evil\u202eexe.txt' }],
        ['POST', '/api/v1/tokens', { name: 'a\u0000', role: 'viewer' }],
        ['POST', '/api/v1/assets', { name: 'a\ud800' }],
      ] as const) {
        const r = await call(s.url, m, p, { token: admin, body });
        assert.equal(r.status, 400, `${m} ${p}: ${JSON.stringify(r.body)}`);
      }
      const signInNul = await call(s.url, 'POST', '/api/v1/session', {
        body: { username: 'ad\u0000min', password: 'x' },
      });
      assert.equal(signInNul.status, 400);
      for (const v of ['99999999999999999999', '1e30', 'Infinity'])
        assert.equal(
          (await call(s.url, 'GET', `/api/v1/exposures?offset=${v}`, { token: admin })).status,
          400,
          v,
        );
      assert.ok(requests > 500, `${requests} requests`);
      assert.equal((await call(s.url, 'GET', '/healthz')).status, 200);
    });
  });
}
