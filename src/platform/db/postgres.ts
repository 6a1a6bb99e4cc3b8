// PostgreSQL over the network through a node-postgres pool. A statement on the pool from inside a
// transaction callback would run on another connection, outside the transaction; the tracker
// refuses it as the PGlite adapter does, so code is correct on both.
import pg from 'pg';
import type { Database, QueryResult, Row, Tx } from './types.ts';
import { TransactionTracker } from './unit-of-work.ts';

// int8 and numeric come back as strings by default; counts and sequence numbers fit in a JS
// number for every table Bulwark keeps, and PGlite returns numbers for int8 too.
pg.types.setTypeParser(20, (v) => Number(v));

export async function openPostgres(url: string, max = 10): Promise<Database> {
  // JIT compilation off: every query here is short (a page, a group's insert), and a LIMIT over an
  // ordered index scan carries a large total cost estimate, which made PostgreSQL spend about 330 ms
  // compiling each TAXII page at a million objects to run it in 40 ms.
  const pool = new pg.Pool({ connectionString: url, max, options: '-c jit=off' });
  // A broken idle connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  const tracker = new TransactionTracker('postgres');

  const run = async <R extends Row>(
    c: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>> => {
    const r = await c.query<R>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.rowCount ?? r.rows.length };
  };

  return {
    dialect: 'postgres',
    query: async (sql, params) => {
      tracker.assertOutside('query');
      return run(pool, sql, params);
    },
    transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return tracker.run(async (uow) => {
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const result = await tracker.within(uow, () =>
            fn({
              inTransaction: true,
              query: (sql, params) => run(c, sql, params),
              exec: async (sql) => void (await c.query(sql)),
              afterCommit: (hook) => uow.afterCommit(hook),
            }),
          );
          await c.query('COMMIT');
          return result;
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          c.release();
        }
      });
    },
    exec: async (sql) => {
      tracker.assertOutside('exec');
      await pool.query(sql);
    },
    onAfterCommitError: (report) => {
      tracker.report = report;
    },
    close: () => pool.end(),
  };
}
