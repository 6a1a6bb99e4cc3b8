// Contract between the served OpenAPI document and the server's behaviour (issue 14, "API hygiene
// found from outside"), on PGlite and PostgreSQL, over every operation of the document (the walk
// the security sweep uses): an operation documented `security: []` answers an anonymous caller
// with something other than 401, every other one answers 401; and every operation that takes a
// body declares its media types, the same ones the server accepts (its 415 problem lists them).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call } from '../security/support.ts';
import { fill, type OpenApiDocument, type Operation, operations, ZERO_ID } from '../support/openapi.ts';

/** Uploads of documents, and the media types each must declare at least. */
const UPLOADS: Record<string, string[]> = {
  'POST /api/v1/sboms': ['application/vnd.cyclonedx+json', 'application/spdx+json', 'application/json'],
  'POST /api/v1/assets/{id}/sboms': [
    'application/vnd.cyclonedx+json',
    'application/spdx+json',
    'application/json',
  ],
  'POST /api/v1/advisories': ['application/json', 'application/zip'],
  'POST /api/v1/kev': ['application/json'],
  'POST /api/v1/epss': ['text/csv', 'application/gzip'],
  'POST /api/v1/csaf': ['application/json', 'application/csaf+json'],
  'POST /api/v1/vex': ['application/json'],
  'POST /taxii2/default/collections/{collection}/objects/': ['application/taxii+json;version=2.1'],
};

const WRITES = new Set(['POST', 'PUT', 'PATCH']);
const key = (op: Operation) => `${op.method} ${op.path}`;

for (const kind of testDatabaseKinds()) {
  describe(`contract: the OpenAPI document tells the truth on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let admin: string;
    let ops: Operation[];

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db, { SIGN_IN_PER_MINUTE: '100000' });
      admin = await s.token(s.orgId('National Cyber Security Coordination Centre'), 'admin');
      const doc = await call(s.url, 'GET', '/api/openapi.json');
      assert.equal(doc.status, 200);
      ops = operations(doc.body as unknown as OpenApiDocument);
      assert.ok(ops.length > 50, `only ${ops.length} operations`);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('an operation documented public answers the anonymous, every other one answers 401', async () => {
      const wrong: string[] = [];
      for (const op of ops) {
        const body = op.mediaTypes.length ? { body: {}, type: op.mediaTypes[0] } : {};
        const r = await call(s.url, op.method, fill(op.path, ZERO_ID), body);
        if (op.public && r.status === 401) wrong.push(`${key(op)} is documented public but answers 401`);
        if (!op.public && r.status !== 401)
          wrong.push(`${key(op)} is documented as needing authentication but answers ${r.status} without`);
      }
      assert.deepEqual(wrong, []);
      // The two the outside test reported, and the other public reads.
      const documentedPublic = new Set(ops.filter((o) => o.public).map(key));
      for (const k of [
        'GET /api/v1/ping',
        'GET /api/v1/ledger/status',
        'GET /api/v1/ledger/proofs/inclusion',
        'GET /api/v1/ledger/proofs/consistency',
        'POST /api/v1/public/reports',
        'GET /api/v1/public/reports/status',
        'GET /taxii2/',
        'POST /api/v1/session',
      ])
        assert.ok(documentedPublic.has(k), `${k} is documented public`);
      for (const k of ['GET /api/v1/users', 'POST /taxii2/default/collections/{collection}/objects/'])
        assert.ok(!documentedPublic.has(k), `${k} is documented as needing authentication`);
    });

    test('every upload declares its media types, the ones the server takes', async () => {
      const byKey = new Map(ops.map((o) => [key(o), o]));
      for (const [k, types] of Object.entries(UPLOADS)) {
        const op = byKey.get(k);
        assert.ok(op, `${k} is in the document`);
        for (const t of types)
          assert.ok(op.mediaTypes.includes(t), `${k} declares ${t} (it has ${op.mediaTypes})`);
      }
      // Every write is sent a body of a media type nobody takes: the 415 problem names what the
      // operation accepts, and the document must say the same.
      const wrong: string[] = [];
      let uploads = 0;
      for (const op of ops.filter((o) => WRITES.has(o.method) && o.path.startsWith('/api/'))) {
        const r = await call(s.url, op.method, fill(op.path, ZERO_ID), {
          token: admin,
          raw: 'x',
          type: 'application/x-bulwark-probe',
        });
        if (r.status !== 415) continue;
        const accepted = r.body.accepted as string[] | undefined;
        assert.ok(Array.isArray(accepted), `${key(op)}: the 415 problem lists the accepted media types`);
        const onlyJson = accepted.length === 1 && accepted[0] === 'application/json';
        // The server's default JSON parser answers for operations that take no body as well.
        if (onlyJson && op.mediaTypes.length === 0) continue;
        if (!onlyJson) uploads++;
        const declared = [...op.mediaTypes].sort();
        if (JSON.stringify(declared) !== JSON.stringify([...accepted].sort()))
          wrong.push(`${key(op)} declares [${declared}] but takes [${accepted}]`);
      }
      assert.deepEqual(wrong, []);
      assert.ok(uploads >= 3, `${uploads} upload operations with their own media types`);
    });
  });
}
