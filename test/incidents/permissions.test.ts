// The permission matrix of the incident workflow, through the HTTP API: every transition tried
// by every kind of actor. Visibility is the shared access rule (404 for whoever does not see the
// operator); then the side decides — the reporting side (the operator itself) and the
// coordinating side (its regional authorities, its sector regulator, the centre) — and the role
// (viewers and auditors only read; a reporter acts only for its own organization). The expected
// answers are written out here by hand from issue 10, not derived from the policy module.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../src/access/index.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { call, type Federation, type Json, makeFederation } from './support.ts';

type Who = 'operator' | 'city' | 'province' | 'regulator' | 'root' | 'otherOperator' | 'otherCity';
const ACTORS: {
  name: string;
  org: Who;
  role: Role;
  side: 'reporting' | 'coordinating' | 'none' | 'read-only';
}[] = [
  { name: 'operator analyst', org: 'operator', role: 'analyst', side: 'reporting' },
  { name: 'operator reporter', org: 'operator', role: 'reporter', side: 'reporting' },
  { name: 'operator viewer', org: 'operator', role: 'viewer', side: 'read-only' },
  { name: 'city responder', org: 'city', role: 'responder', side: 'coordinating' },
  { name: 'city reporter', org: 'city', role: 'reporter', side: 'read-only' },
  { name: 'province analyst', org: 'province', role: 'analyst', side: 'coordinating' },
  { name: 'province auditor', org: 'province', role: 'auditor', side: 'read-only' },
  { name: 'sector regulator analyst', org: 'regulator', role: 'analyst', side: 'coordinating' },
  { name: 'centre admin', org: 'root', role: 'admin', side: 'coordinating' },
  { name: 'unrelated operator admin', org: 'otherOperator', role: 'admin', side: 'none' },
  { name: 'neighbouring city admin', org: 'otherCity', role: 'admin', side: 'none' },
];

/** Issue 10's workflow: each move and the sides that make it. */
const MOVES: { from: string; to: string; by: ('reporting' | 'coordinating')[] }[] = [
  { from: 'draft', to: 'reported', by: ['reporting'] },
  { from: 'reported', to: 'triaged', by: ['coordinating'] },
  { from: 'reported', to: 'responding', by: ['reporting', 'coordinating'] },
  { from: 'triaged', to: 'responding', by: ['reporting', 'coordinating'] },
  { from: 'responding', to: 'recovered', by: ['reporting', 'coordinating'] },
  { from: 'recovered', to: 'responding', by: ['reporting', 'coordinating'] },
  { from: 'recovered', to: 'closed', by: ['coordinating'] },
  { from: 'closed', to: 'responding', by: ['coordinating'] },
];

/** How the centre and the operator bring a new incident to a status. */
const PATH: Record<string, string[]> = {
  draft: [],
  reported: [],
  triaged: ['triaged'],
  responding: ['responding'],
  recovered: ['responding', 'recovered'],
  closed: ['responding', 'recovered', 'closed'],
};

for (const kind of testDatabaseKinds()) {
  describe(`incident permission matrix on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let f: Federation;
    let centre: string;
    let operator: string;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      f = await makeFederation(s, 'BW-M');
      centre = await f.token(f.root, 'admin');
      operator = await f.token(f.operator, 'analyst');
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    async function incidentAt(status: string): Promise<string> {
      const r = await call(s, operator, 'POST', '/api/v1/incidents', {
        title: `at ${status}`,
        category: 'gbt:other',
        grade: 'relatively-major',
        awareAt: new Date().toISOString(),
        draft: status === 'draft',
      });
      assert.equal(r.status, 201);
      for (const step of PATH[status]!) {
        const m = await call(s, centre, 'PATCH', `/api/v1/incidents/${r.body.id}`, { status: step });
        assert.equal(m.status, 200, `${step}: ${JSON.stringify(m.body)}`);
      }
      return r.body.id as string;
    }

    for (const move of MOVES) {
      test(`${move.from} → ${move.to}`, async () => {
        const got: string[] = [];
        const want: string[] = [];
        for (const a of ACTORS) {
          const id = await incidentAt(move.from);
          const token = await f.token(f[a.org], a.role);
          const r = await call(s, token, 'PATCH', `/api/v1/incidents/${id}`, { status: move.to });
          const expected =
            a.side === 'none' ? 404 : a.side === 'read-only' || !move.by.includes(a.side) ? 403 : 200;
          got.push(`${a.name}: ${r.status}`);
          want.push(`${a.name}: ${expected}`);
          if (r.status === 200) assert.equal((r.body as Json).status, move.to);
          else assert.match(r.type ?? '', /problem\+json/);
          // A refused move changes nothing.
          if (expected !== 200) {
            const now = await call(s, centre, 'GET', `/api/v1/incidents/${id}`);
            assert.equal(now.body.status, move.from);
          }
        }
        assert.deepEqual(got, want);
      });
    }

    test('a move the workflow does not have is 422 for everyone who may act', async () => {
      const id = await incidentAt('reported');
      for (const to of ['draft', 'recovered', 'closed']) {
        const r = await call(s, centre, 'PATCH', `/api/v1/incidents/${id}`, { status: to });
        assert.equal(r.status, 422, to);
      }
    });
  });
}
