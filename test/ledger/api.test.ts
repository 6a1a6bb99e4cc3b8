// The ledger's HTTP surface as an outside client meets it, on PGlite and PostgreSQL: the public
// C2SP read API with its caching headers, proofs and receipts, and every kind of bad request
// answered with a precise problem (never a 5xx, never a record of another organization).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

async function get(s: TestServer, path: string, token?: string) {
  const r = await fetch(s.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const type = r.headers.get('content-type') ?? '';
  const body = type.includes('json') ? ((await r.json()) as Record<string, unknown>) : await r.text();
  return { status: r.status, type, cache: r.headers.get('cache-control') ?? '', body };
}

function assertProblem(r: { status: number; type: string; body: unknown }, status: number, detail: RegExp) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(r.type, /^application\/problem\+json/);
  assert.match(String((r.body as { detail?: string }).detail), detail);
}

for (const kind of testDatabaseKinds()) {
  describe(`ledger HTTP API on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let gridViewer: string;
    let size = 0;

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      gridViewer = await s.token(s.orgId('Northport Power Grid'), 'viewer');
      // The demo federation's records are committed; wait until a checkpoint covers them.
      for (let i = 0; i < 200 && size < 30; i++) {
        const c = await get(s, '/ledger/checkpoint');
        size = Number(String(c.body).split('\n')[1]);
        if (size < 30) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(size >= 30, `checkpoint size ${size}`);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('the public read API: key, checkpoint and tiles, with the caching tlog-tiles asks for', async () => {
      const key = await get(s, '/ledger/key');
      assert.equal(key.status, 200);
      assert.match(String(key.body), /^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*\n?$/);
      const cp = await get(s, '/ledger/checkpoint');
      assert.match(cp.cache, /no-cache|max-age=0/);
      assert.match(String(cp.body), /^\S+\n\d+\n[A-Za-z0-9+/]{43}=\n\n— /);
      const tile = await fetch(`${s.url}/ledger/tile/0/000.p/${Math.min(size, 255)}`);
      assert.equal(tile.status, 200);
      assert.match(tile.headers.get('cache-control') ?? '', /immutable/);
      assert.equal((await tile.arrayBuffer()).byteLength, 32 * Math.min(size, 255));
      const bundle = await fetch(`${s.url}/ledger/tile/entries/000.p/1`);
      assert.equal(bundle.status, 200);
      const bytes = Buffer.from(await bundle.arrayBuffer());
      assert.equal(bytes.readUInt16BE(0), bytes.length - 2, 'one entry with its big-endian length prefix');
    });

    test('hostile and non-canonical tile paths are 404 problems', async () => {
      for (const p of [
        '0/..%2F..%2Fetc',
        '99/000',
        '0/abc',
        '0/000.p/0',
        '0/000.p/256',
        '0/x999/000',
        'entries/..%2F0',
      ]) {
        assertProblem(await get(s, `/ledger/tile/${p}`), 404, /does not exist/);
      }
    });

    test('proofs: valid answers and precise refusals', async () => {
      const ok = await get(s, `/api/v1/ledger/proofs/inclusion?index=0&size=${size}`);
      assert.equal(ok.status, 200);
      assert.ok(Array.isArray((ok.body as { proof: unknown[] }).proof));
      const cons = await get(s, `/api/v1/ledger/proofs/consistency?from=1&to=${size}`);
      assert.equal(cons.status, 200);
      assertProblem(await get(s, '/api/v1/ledger/proofs/inclusion?index=abc&size=2'), 400, /index/);
      assertProblem(await get(s, '/api/v1/ledger/proofs/inclusion?index=1'), 400, /size/);
      assertProblem(await get(s, '/api/v1/ledger/proofs/inclusion?index=0&size=2&x=1'), 400, /x/);
      assertProblem(
        await get(s, '/api/v1/ledger/proofs/inclusion?index=5&size=2'),
        400,
        /index 5 must be below size 2/,
      );
      assertProblem(
        await get(s, '/api/v1/ledger/proofs/inclusion?index=0&size=99999999'),
        400,
        /beyond the latest checkpoint/,
      );
      assertProblem(await get(s, '/api/v1/ledger/proofs/consistency?from=0&to=2'), 400, /from/);
      assertProblem(
        await get(s, '/api/v1/ledger/proofs/consistency?from=3&to=2'),
        400,
        /from 3 must not exceed to 2/,
      );
    });

    test('receipts: for whoever may read the record, 404 for everyone else, 401 without credentials', async () => {
      const grid = s.orgId('Northport Power Grid');
      const centre = s.orgId('National Cyber Security Coordination Centre');
      assertProblem(await get(s, `/api/v1/ledger/receipts?kind=organization&id=${grid}`), 401, /Sign in/);
      const own = await get(s, `/api/v1/ledger/receipts?kind=organization&id=${grid}`, gridViewer);
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.match(String((own.body as { receipt: string }).receipt), /^c2sp\.org\/tlog-proof@v1\n/);
      assertProblem(
        await get(s, `/api/v1/ledger/receipts?kind=organization&id=${centre}`, gridViewer),
        404,
        /does not exist/,
      );
      assertProblem(
        await get(s, `/api/v1/ledger/receipts?kind=organization&id=${grid}&version=-1`, gridViewer),
        400,
        /version/,
      );
    });

    test('cosignatures: only JSON, only known fields, only for an existing checkpoint, only from configured witnesses', async () => {
      const post = async (body: string, type = 'application/json') => {
        const r = await fetch(`${s.url}/api/v1/ledger/cosignatures`, {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        });
        return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.json() };
      };
      assertProblem(await post('x', 'text/plain'), 415, /text\/plain/);
      assertProblem(await post('{"treeSize": "x", "cosignatures": []}'), 400, /treeSize/);
      assertProblem(await post('{"treeSize": 1, "cosignatures": [], "extra": 1}'), 400, /extra/);
      assertProblem(
        await post('{"treeSize": 999999, "cosignatures": ["— nobody AAAA"]}'),
        404,
        /does not exist/,
      );
      const unknown = await post(
        JSON.stringify({ treeSize: size, cosignatures: ['— witness.example/w AAAAAAAA'] }),
      );
      assert.ok(unknown.status >= 400 && unknown.status < 500, JSON.stringify(unknown.body));
      assert.match(unknown.type, /problem\+json/);
      const cp = await get(s, '/ledger/checkpoint');
      assert.ok(!String(cp.body).includes('witness.example/w'), 'nothing from an unknown witness is served');
    });
  });
}
