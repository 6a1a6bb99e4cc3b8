import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testDatabaseKinds } from '../testing.ts';
import type { Queryable } from './types.ts';
import { analyseStale, isStale, MIN_PAGES, statisticsKeeper, tableSizes } from './statistics.ts';

const reltuples = async (db: { query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }> }) =>
  Number((await db.query(`SELECT reltuples FROM pg_class WHERE relname = 'stats_probe'`)).rows[0]!.reltuples);

test('isStale: small tables never; never analysed or moved by a fifth, yes', () => {
  const t = { name: 't', pages: MIN_PAGES - 1, analysedPages: 0, analysed: false };
  assert.equal(isStale(t), false);
  assert.equal(isStale({ ...t, pages: 100 }), true);
  assert.equal(isStale({ ...t, pages: 100, analysedPages: 100, analysed: true }), false);
  assert.equal(isStale({ ...t, pages: 115, analysedPages: 100, analysed: true }), false);
  assert.equal(isStale({ ...t, pages: 125, analysedPages: 100, analysed: true }), true);
  assert.equal(isStale({ ...t, pages: 70, analysedPages: 100, analysed: true }), true);
});

/** Rows from..to into the probe table (created on first use), about 60 bytes each. */
async function fillProbe(db: Queryable, from: number, to: number): Promise<void> {
  await db.query('CREATE TABLE IF NOT EXISTS stats_probe (id int PRIMARY KEY, v text)');
  await db.query(
    `INSERT INTO stats_probe SELECT g, repeat('x', 40) || g FROM generate_series(${from}, ${to}) g`,
  );
}

for (const kind of testDatabaseKinds()) {
  test(`${kind.name}: a grown table is analysed once, and again after it grows by more than a fifth`, async (t) => {
    if (kind.skip) return t.skip(kind.skip);
    const { db, dispose } = await kind.open();
    try {
      await fillProbe(db, 1, 20000);
      const before = (await tableSizes(db)).find((x) => x.name === 'stats_probe')!;
      assert.ok(before.pages >= MIN_PAGES && isStale(before));
      // PostgreSQL's autovacuum may have been quicker on a server where it runs; PGlite has none.
      if (db.dialect === 'pglite') assert.equal(await reltuples(db), -1, 'never analysed before');

      assert.ok((await analyseStale(db)).includes('stats_probe'));
      assert.equal(await reltuples(db), 20000);
      assert.ok(!(await analyseStale(db)).includes('stats_probe'), 'nothing changed: not analysed again');

      await fillProbe(db, 20001, 30000);
      assert.ok((await analyseStale(db)).includes('stats_probe'));
      assert.equal(await reltuples(db), 30000);
    } finally {
      await dispose();
    }
  });

  test(`${kind.name}: the keeper's worker analyses on the embedded database only`, async (t) => {
    if (kind.skip) return t.skip(kind.skip);
    const { db, dispose } = await kind.open();
    try {
      await fillProbe(db, 1, 20000);
      let analyses = 0;
      const counted = Object.assign(Object.create(db) as typeof db, {
        query: (sql: string, params?: readonly unknown[]) => {
          if (sql.startsWith('ANALYZE')) analyses++;
          return db.query(sql, params);
        },
      });
      const worker = statisticsKeeper(counted, undefined, { firstMs: 10, intervalMs: 60_000 });
      await worker.start();
      // The first pass runs 10 ms after the start on PGlite: wait for it (bounded), or as long on PostgreSQL.
      const deadline = Date.now() + (db.dialect === 'pglite' ? 10_000 : 300);
      while ((db.dialect === 'postgres' || analyses === 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await worker.stop();
      if (db.dialect === 'pglite') {
        assert.ok(analyses >= 1);
        assert.equal(await reltuples(db), 20000);
      } else assert.equal(analyses, 0, "PostgreSQL: autovacuum's job, the keeper leaves it alone");
    } finally {
      await dispose();
    }
  });
}
