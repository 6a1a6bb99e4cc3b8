// Embedded PostgreSQL (PGlite, WebAssembly) in a data directory. PGlite has a single connection,
// so transactions are serialised here: a statement outside a transaction waits for the open one.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, QueryResult, Row, Tx } from './types.ts';

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
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
    query: (sql, params) => serialise(() => run(pg, sql, params)),
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return serialise(() =>
        pg.transaction(async (inner) => {
          const tx: Tx = {
            inTransaction: true,
            query: (sql, params) => run(inner, sql, params),
            exec: async (sql) => void (await inner.exec(sql)),
          };
          return fn(tx);
        }),
      );
    },
    exec: (sql) => serialise(async () => void (await pg.exec(sql))),
    close: () => serialise(() => pg.close()),
  };
}
