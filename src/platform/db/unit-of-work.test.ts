// The unit of work on both adapters: after-commit hooks (in order, never on rollback, failures
// reported not thrown) and the immediate refusal of a statement on the database from inside a
// transaction callback (which would hang PGlite and escape the transaction on PostgreSQL).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createScratchDatabase } from '../testing.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import { type Database, QueryInTransactionError } from './types.ts';

const url = process.env.TEST_DATABASE_URL;
const kinds: { name: string; skip?: string; open(): Promise<{ db: Database; dispose(): Promise<void> }> }[] =
  [
    {
      name: 'pglite',
      async open() {
        const db = await openPglite();
        return { db, dispose: () => db.close() };
      },
    },
    {
      name: 'postgres',
      skip: url ? undefined : 'TEST_DATABASE_URL is not set',
      async open() {
        const scratch = await createScratchDatabase(url!);
        const db = await openPostgres(scratch.url, 4);
        return {
          db,
          async dispose() {
            await db.close();
            await scratch.drop();
          },
        };
      },
    },
  ];

/** Fails instead of hanging when the adapter deadlocks. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (deadlock?)`)), ms);
    }),
  ]);
}

for (const kind of kinds) {
  describe(`unit of work on ${kind.name}`, { skip: kind.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ db, dispose } = await kind.open());
      await db.exec('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
    });
    after(() => dispose());

    test('after-commit hooks run in order once the write is visible, and transaction waits for them', async () => {
      const seen: string[] = [];
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES (1, $1)', ['one']);
        tx.afterCommit(() => void seen.push('first'));
        tx.afterCommit(async () => {
          // A hook runs outside the transaction: it may use the database, and sees the commit.
          const r = await db.query<{ body: string }>('SELECT body FROM notes WHERE id = 1');
          seen.push(`second:${r.rows[0]?.body}`);
        });
        tx.afterCommit(() => void seen.push('third'));
        assert.deepEqual(seen, []);
        return 42;
      });
      assert.equal(value, 42);
      assert.deepEqual(seen, ['first', 'second:one', 'third']);
    });

    test('a rollback drops the hooks and the writes', async () => {
      const seen: string[] = [];
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO notes VALUES (2, $1)', ['two']);
          tx.afterCommit(() => void seen.push('ran'));
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.deepEqual(seen, []);
      assert.equal((await db.query('SELECT 1 FROM notes WHERE id = 2')).rows.length, 0);
    });

    test('a failing hook is reported, the write stays committed and later hooks still run', async () => {
      const reported: unknown[] = [];
      db.onAfterCommitError((err) => reported.push(err));
      const seen: string[] = [];
      const value = await db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES (3, $1)', ['three']);
        tx.afterCommit(() => {
          throw new Error('index update failed');
        });
        tx.afterCommit(async () => {
          await Promise.resolve();
          throw new Error('async hook failed');
        });
        tx.afterCommit(() => void seen.push('last'));
        return 'committed';
      });
      assert.equal(value, 'committed');
      assert.deepEqual(seen, ['last']);
      assert.deepEqual(
        reported.map((e) => (e as Error).message),
        ['index update failed', 'async hook failed'],
      );
      assert.equal((await db.query('SELECT 1 FROM notes WHERE id = 3')).rows.length, 1);
    });

    test('a query on the database inside a transaction fails at once instead of hanging', async () => {
      const err = await within(
        5000,
        db
          .transaction(async (tx) => {
            await tx.query('INSERT INTO notes VALUES (4, $1)', ['four']);
            // Deeper on the same async path: after awaits and inside a nested helper.
            await new Promise((r) => setImmediate(r));
            const helper = async () => db.query('SELECT count(*) FROM notes');
            await helper();
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      assert.ok(err instanceof QueryInTransactionError, String(err));
      assert.equal(err.operation, 'query');
      assert.equal(err.dialect, kind.name);
      assert.match(err.message, /use the transaction handle \(tx\)/);
      // The transaction rolled back and the database still answers.
      assert.equal((await db.query('SELECT 1 FROM notes WHERE id = 4')).rows.length, 0);
    });

    test('a nested transaction and exec on the database are refused the same way', async () => {
      const nested = await within(
        5000,
        db.transaction(async () => db.transaction(async () => 1)).catch((e: unknown) => e),
      );
      assert.ok(nested instanceof QueryInTransactionError);
      assert.equal(nested.operation, 'transaction');
      const exec = await within(
        5000,
        db.transaction(async () => db.exec('SELECT 1')).catch((e: unknown) => e),
      );
      assert.ok(exec instanceof QueryInTransactionError);
      assert.equal(exec.operation, 'exec');
    });

    test('other async paths still use the database while a transaction is open', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const tx = db.transaction(async (t) => {
        await t.query('INSERT INTO notes VALUES (5, $1)', ['five']);
        await gate;
      });
      // Started outside the transaction: waits for it on PGlite, runs beside it on PostgreSQL.
      const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM notes');
      release();
      await within(5000, tx);
      assert.ok((await within(5000, outside)).rows[0]!.n >= 2);
    });

    test('work the callback left behind may use the database once the transaction is over', async () => {
      let later: Promise<unknown> | undefined;
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO notes VALUES (6, $1)', ['six']);
        later = new Promise((r) => setTimeout(r, 20)).then(() =>
          db.query('SELECT 1 FROM notes WHERE id = 6'),
        );
      });
      const r = (await within(5000, later!)) as { rows: unknown[] };
      assert.equal(r.rows.length, 1);
    });

    test('afterCommit on a transaction that is over is refused', async () => {
      let kept: Parameters<Parameters<Database['transaction']>[0]>[0] | undefined;
      await db.transaction(async (tx) => {
        kept = tx;
      });
      assert.throws(() => kept!.afterCommit(() => undefined), /after the transaction ended/);
    });
  });
}
