// Issue 8 #7, an SBOM import must not hold the database for its whole length: its components are
// staged in short transactions of their own and one last transaction makes the SBOM live. On both
// databases, through the real HTTP stack over a database whose transactions the test can pause or
// break between the import's batches:
//  - requests made while the import is paused between two staged batches are answered before the
//    import ends (on PGlite, one connection, they would wait for a single import transaction), and
//    they see nothing of the import;
//  - an import that fails while staging, or in its last transaction, leaves nothing visible and
//    nothing half-written (no staged SBOM, no components, no asset, no ledger commitment), and
//    the asset's next import takes the next sequence number.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { systemActor } from '../../src/orgs/index.ts';
import type { Database, Row, Tx } from '../../src/platform/db/types.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';
import { DEFAULT_OSV_GO_DIR, generateSyntheticCycloneDx } from '../support/synthetic-sbom.ts';
import { deferred } from '../support/wait.ts';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read loosely in tests.
type Json = Record<string, any>;

/** What the test does after a committed transaction that staged components (its 1-based number). */
type BatchHook = (batch: number) => Promise<void>;
/** What the test does inside a transaction after one of its statements ran. */
type StatementHook = (sql: string) => void;

/**
 * The database with two seams for the test: a hook after each committed transaction that inserted
 * SBOM components (the import's staged batches) and a hook after each statement inside a
 * transaction. Everything else goes through unchanged.
 */
function withSeams(db: Database) {
  const seams: { afterBatch?: BatchHook; afterStatement?: StatementHook; batches: number } = { batches: 0 };
  const wrapped: Database = {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    onAfterCommitError: (report) => db.onAfterCommitError(report),
    close: () => db.close(),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      let staged = false;
      const result = await db.transaction((tx) =>
        fn({
          inTransaction: true,
          query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
            const r = await tx.query<R>(sql, params);
            if (sql.includes('INSERT INTO sbom_components')) staged = true;
            seams.afterStatement?.(sql);
            return r;
          },
          exec: (sql) => tx.exec(sql),
          afterCommit: (hook) => tx.afterCommit(hook),
        }),
      );
      if (staged) {
        seams.batches++;
        await seams.afterBatch?.(seams.batches);
      }
      return result;
    },
  };
  return { db: wrapped, seams };
}

async function request(s: TestServer, token: string, path: string, init: RequestInit = {}) {
  const r = await fetch(`${s.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Json };
}

const upload = (s: TestServer, token: string, path: string, doc: Buffer) =>
  request(s, token, path, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.cyclonedx+json' },
    body: new Uint8Array(doc),
  });

for (const kind of testDatabaseKinds()) {
  describe(`SBOM import staging on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let seams: ReturnType<typeof withSeams>['seams'];
    let grid: string;
    let gridOrg: string;
    // 4,000 components: 16 staged batches.
    const doc = Buffer.from(JSON.stringify(generateSyntheticCycloneDx(4000, 11)));

    /** What the database holds that no live SBOM accounts for, and the ledger's commitments. */
    async function leftovers() {
      const q = async (sql: string, params: unknown[] = []) =>
        (await tdb.db.query<{ n: number }>(sql, params)).rows[0]!.n;
      return {
        staged: await q('SELECT count(*)::int AS n FROM sboms WHERE staged_at IS NOT NULL'),
        orphanComponents: await q(
          `SELECT count(*)::int AS n FROM sbom_components c
           WHERE NOT EXISTS (SELECT 1 FROM sboms s WHERE s.id = c.sbom_id AND s.staged_at IS NULL)`,
        ),
        commitments: await q(
          `SELECT count(*)::int AS n FROM ledger_commitments WHERE record_kind IN ('asset', 'sbom', 'exposure')`,
        ),
      };
    }

    before(async () => {
      tdb = await kind.open();
      const seamed = withSeams(tdb.db);
      seams = seamed.seams;
      s = await startTestServer(seamed.db);
      gridOrg = s.orgId('Northport Power Grid');
      grid = await s.token(gridOrg, 'analyst');
      const root = (await s.ctx.orgs.root())!;
      await s.ctx.advisories.importOsvPaths(systemActor(root), [DEFAULT_OSV_GO_DIR]);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('requests made between staged batches are answered before the import ends and see none of it', async () => {
      seams.batches = 0;
      const paused = deferred<number>();
      const resume = deferred();
      seams.afterBatch = async (n) => {
        if (n !== 3) return;
        paused.resolve(n);
        await resume.promise;
      };
      let ended = false;
      const importing = upload(s, grid, '/api/v1/sboms?asset=staging-order', doc).finally(() => {
        ended = true;
      });
      try {
        // A single import transaction has no point between batches: the import would end first.
        const first = await Promise.race([
          paused.promise.then(() => 'paused between batches' as const),
          importing.then((r) => `ended with ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`),
        ]);
        assert.equal(first, 'paused between batches');
        // While the import waits, requests that need the database are answered …
        const assets = await request(s, grid, '/api/v1/assets?q=staging-order');
        const health = await fetch(`${s.url}/healthz`);
        assert.equal(assets.status, 200);
        assert.equal(health.status, 200);
        assert.equal(ended, false, 'answered before the import ended');
        // … and see nothing of it: no asset yet, the staged SBOM is not found.
        assert.equal(assets.body.total, 0);
        const staged = await tdb.db.query<{ id: string; n: number }>(
          `SELECT s.id, (SELECT count(*)::int FROM sbom_components c WHERE c.sbom_id = s.id) AS n
           FROM sboms s WHERE s.staged_at IS NOT NULL`,
        );
        assert.equal(staged.rows.length, 1, 'one SBOM is being staged');
        assert.equal(staged.rows[0]!.n, 750, 'three batches of 250 components are staged');
        const detail = await request(s, grid, `/api/v1/sboms/${staged.rows[0]!.id}`);
        assert.equal(detail.status, 404, 'a staged SBOM is invisible');
      } finally {
        resume.resolve();
        seams.afterBatch = undefined;
      }
      const r = await importing;
      assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
      assert.equal(r.body.sbom.seq, 1);
      assert.ok(seams.batches >= 16, `${seams.batches} staged batches`);
      const detail = await request(s, grid, `/api/v1/sboms/${r.body.sbom.id}`);
      assert.equal(detail.status, 200);
      assert.equal(detail.body.components.length, 4000);
      assert.equal((await leftovers()).staged, 0);
    });

    test('an import that fails while staging leaves nothing visible and nothing half-written', async () => {
      const before = await leftovers();
      seams.afterBatch = async (n) => {
        if (n === 5) throw new Error('injected failure after the fifth staged batch');
      };
      seams.batches = 0;
      try {
        const r = await upload(s, grid, '/api/v1/sboms?asset=staging-fails', doc);
        assert.equal(r.status, 500, JSON.stringify(r.body).slice(0, 300));
      } finally {
        seams.afterBatch = undefined;
      }
      assert.equal(seams.batches, 5, 'the failure came in the middle of the staging');
      assert.deepEqual(await leftovers(), before, 'no staged SBOM, components or commitments remain');
      assert.equal((await request(s, grid, '/api/v1/assets?q=staging-fails')).body.total, 0);
      // The same document imports once nothing breaks.
      const again = await upload(s, grid, '/api/v1/sboms?asset=staging-fails', doc);
      assert.equal(again.status, 201, JSON.stringify(again.body).slice(0, 300));
      assert.equal(again.body.sbom.seq, 1);
    });

    test('an import that fails in its last transaction leaves the asset as it was', async () => {
      const first = await upload(s, grid, '/api/v1/sboms?asset=staging-last-fails', doc);
      assert.equal(first.status, 201, JSON.stringify(first.body).slice(0, 300));
      const asset = first.body.asset.id as string;
      const exposuresBefore = (await request(s, grid, `/api/v1/exposures?asset=${asset}&limit=1`)).body.total;
      const before = await leftovers();
      // The SBOM is made live, then the transaction breaks before it commits.
      seams.afterStatement = (sql) => {
        if (sql.includes('UPDATE sboms AS s SET asset_id'))
          throw new Error('injected failure after the flip');
      };
      const other = Buffer.from(JSON.stringify(generateSyntheticCycloneDx(4000, 12)));
      try {
        const r = await upload(s, grid, `/api/v1/assets/${asset}/sboms`, other);
        assert.equal(r.status, 500, JSON.stringify(r.body).slice(0, 300));
      } finally {
        seams.afterStatement = undefined;
      }
      assert.deepEqual(await leftovers(), before, 'no staged SBOM, components or commitments remain');
      const history = await request(s, grid, `/api/v1/assets/${asset}/sboms`);
      assert.deepEqual(
        history.body.items.map((x: Json) => x.id),
        [first.body.sbom.id],
      );
      const current = await request(s, grid, `/api/v1/assets/${asset}`);
      assert.equal(current.body.currentSbom, first.body.sbom.id);
      assert.equal(
        (await request(s, grid, `/api/v1/exposures?asset=${asset}&limit=1`)).body.total,
        exposuresBefore,
      );
      const next = await upload(s, grid, `/api/v1/assets/${asset}/sboms`, other);
      assert.equal(next.status, 201, JSON.stringify(next.body).slice(0, 300));
      assert.equal(next.body.sbom.seq, 2, 'no sequence number was used by the failed import');
    });
  });
}
