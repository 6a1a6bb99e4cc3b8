// Issue 8 #7, an SBOM import's last transaction writes its exposures in bounded statements with a
// turn of the event loop between them (on PGlite every statement runs on the main thread, so a
// long statement stalls every request, /healthz included). Slicing the write must not slice what a
// reader sees. On both databases, through the real HTTP stack over a database whose transaction
// the test pauses between two of the exposure statements:
//  - no statement of the last transaction writes more than the bound of exposure rows;
//  - a request for the organization's exposures made while the transaction is paused is answered
//    with all of the import's exposures or none of them (PostgreSQL answers at once from its own
//    connection and sees none; PGlite, one connection, answers once the transaction has committed
//    and sees all), never a part;
//  - /healthz is answered while the transaction is paused between two statements.
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

/** The most exposure rows one statement may write (src/exposures/repo.ts). */
const ROWS_PER_STATEMENT = 100;

/** The database with one seam: an awaited hook after each statement that inserts exposures. */
function withExposureSeam(db: Database) {
  const seam: { afterInsert?: (rows: number) => Promise<void>; rows: number[] } = { rows: [] };
  const wrapped: Database = {
    dialect: db.dialect,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    onAfterCommitError: (report) => db.onAfterCommitError(report),
    close: () => db.close(),
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        fn({
          inTransaction: true,
          query: async <R extends Row = Row>(sql: string, params?: readonly unknown[]) => {
            const r = await tx.query<R>(sql, params);
            if (sql.includes('INSERT INTO exposures')) {
              const rows = (params?.[0] as unknown[] | undefined)?.length ?? 0;
              seam.rows.push(rows);
              await seam.afterInsert?.(rows);
            }
            return r;
          },
          exec: (sql) => tx.exec(sql),
          afterCommit: (hook) => tx.afterCommit(hook),
        }),
      );
    },
  };
  return { db: wrapped, seam };
}

async function request(s: TestServer, token: string, path: string, init: RequestInit = {}) {
  const r = await fetch(`${s.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as Json };
}

for (const kind of testDatabaseKinds()) {
  describe(`an SBOM import's last transaction on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let seam: ReturnType<typeof withExposureSeam>['seam'];
    let grid: string;
    // 3,000 synthetic Go modules: a few thousand exposures, dozens of statements.
    const doc = Buffer.from(JSON.stringify(generateSyntheticCycloneDx(3000, 23)));

    before(async () => {
      tdb = await kind.open();
      const seamed = withExposureSeam(tdb.db);
      seam = seamed.seam;
      s = await startTestServer(seamed.db);
      grid = await s.token(s.orgId('Northport Power Grid'), 'analyst');
      const root = (await s.ctx.orgs.root())!;
      await s.ctx.advisories.importOsvPaths(systemActor(root), [DEFAULT_OSV_GO_DIR]);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('a reader mid-transaction sees all of the import’s exposures or none, never a part', async () => {
      const total = async () => (await request(s, grid, '/api/v1/exposures?limit=1')).body.total as number;
      const before = await total();
      seam.rows = [];
      const paused = deferred();
      const resume = deferred();
      seam.afterInsert = async () => {
        if (seam.rows.length !== 3) return;
        paused.resolve();
        await resume.promise;
      };
      let read: Promise<number> | undefined;
      const importing = request(s, grid, '/api/v1/sboms?asset=last-transaction', {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.cyclonedx+json' },
        body: new Uint8Array(doc),
      });
      try {
        const first = await Promise.race([
          paused.promise.then(() => 'paused' as const),
          importing.then((r) => `ended with ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`),
        ]);
        assert.equal(first, 'paused', 'the import was held after its third exposure statement');
        // The event loop is free between two statements of the last transaction.
        assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
        read = total();
        // PostgreSQL answers from another connection while the transaction is open; PGlite's
        // answer waits for the one connection, so it is read after the commit below.
        if (kind.name === 'postgres') assert.equal(await read, before, 'nothing of the import is visible');
      } finally {
        resume.resolve();
        seam.afterInsert = undefined;
      }
      const r = await importing;
      assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
      const opened = r.body.exposures.opened as number;
      assert.ok(opened > 3 * ROWS_PER_STATEMENT, `${opened} exposures opened`);
      const seen = await read!;
      assert.ok(
        seen === before || seen === before + opened,
        `read ${seen}: neither ${before} nor ${before + opened}`,
      );
      assert.equal(await total(), before + opened);
    });

    // The statements are those of the import above.
    test('no statement writes more than the bound of exposure rows', () => {
      assert.ok(seam.rows.length > 3, `${seam.rows.length} statements`);
      assert.ok(
        seam.rows.every((n) => n > 0 && n <= ROWS_PER_STATEMENT),
        `rows per statement: ${[...new Set(seam.rows)].join(', ')}`,
      );
    });
  });
}
