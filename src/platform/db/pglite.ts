// Embedded PostgreSQL (PGlite, WebAssembly) in a data directory. PGlite has a single connection,
// so transactions are serialised here: a statement outside a transaction waits for the open one.
// That is also why a statement on the database from inside a transaction callback would wait
// forever; the tracker turns it into an immediate QueryInTransactionError.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Row, Tx } from './types.ts';
import { TransactionTracker } from './unit-of-work.ts';

/** The embedded database, which can also copy its data directory consistently (for `bulwark backup`). */
export interface EmbeddedDatabase extends Database {
  /**
   * A gzipped tar of the data directory, taken between two statements of the queue: no
   * transaction is open, so the copy is consistent. Statements wait while it runs.
   */
  snapshot(): Promise<Uint8Array>;
}

export async function openPglite(dataDir?: string): Promise<EmbeddedDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const tracker = new TransactionTracker('pglite');
  let chain: Promise<unknown> = Promise.resolve();

  // Every use of the connection goes through this queue, so a transaction never interleaves
  // with another statement.
  function serialise<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  }

  async function run<R extends Row>(
    q: { query: PGlite['query'] },
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> {
    const r = await q.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }

  return {
    dialect: 'pglite',
    query: async (sql, params) => {
      tracker.assertOutside('query');
      return serialise(() => run(pg, sql, params));
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      // The hooks run after the queue has moved on, so a hook may use the database.
      return tracker.run((uow) =>
        serialise(() =>
          pg.transaction(async (inner) => {
            const tx: Tx = {
              inTransaction: true,
              query: (sql, params) => run(inner, sql, params),
              exec: async (sql) => void (await inner.exec(sql)),
              afterCommit: (hook) => uow.afterCommit(hook),
            };
            return tracker.within(uow, () => fn(tx));
          }),
        ),
      );
    },
    exec: async (sql) => {
      tracker.assertOutside('exec');
      return serialise(async () => void (await pg.exec(sql)));
    },
    onAfterCommitError: (report) => {
      tracker.report = report;
    },
    snapshot: () =>
      serialise(async () => {
        await pg.query('CHECKPOINT');
        return new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer());
      }),
    close: () => serialise(() => pg.close()),
  };
}
