// The migrator on both adapters: each migration in its own transaction, checksums recorded, an
// edited or out-of-order migration refused by name, databases from before checksums upgraded,
// and several migrators at once against one database.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createScratchDatabase } from '../testing.ts';
import { listMigrations, MigrationError, migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';

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

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

for (const kind of kinds) {
  describe(`migrate on ${kind.name}`, { skip: kind.skip }, () => {
    let db: Database;
    let dispose: () => Promise<void>;
    let dir: string;
    const write = (name: string, sql: string) => writeFileSync(join(dir, name), sql);

    beforeEach(async () => {
      ({ db, dispose } = await kind.open());
      dir = mkdtempSync(join(tmpdir(), 'bulwark-migrations-'));
      write('0001_a.sql', '-- Why: a\nCREATE TABLE a (id int);\n');
      write('0002_b.sql', '-- Why: b\nCREATE TABLE b (id int);\n');
    });
    afterEach(async () => {
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    test('applies pending migrations once, in order, recording their checksums', async () => {
      assert.deepEqual(await migrate(db, { dir }), ['0001_a.sql', '0002_b.sql']);
      assert.deepEqual(await migrate(db, { dir }), []);
      write('0003_c.sql', '-- Why: c\nCREATE TABLE c (id int);\n');
      assert.deepEqual(await migrate(db, { dir }), ['0003_c.sql']);
      const { rows } = await db.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => [r.version, r.checksum]),
        [
          [1, sha('-- Why: a\nCREATE TABLE a (id int);\n')],
          [2, sha('-- Why: b\nCREATE TABLE b (id int);\n')],
          [3, sha('-- Why: c\nCREATE TABLE c (id int);\n')],
        ],
      );
    });

    test('each migration runs in its own transaction: a failing one keeps those before it', async () => {
      write('0003_bad.sql', '-- Why: broken\nCREATE TABLE c (id int);\nSELECT no_such_function();\n');
      await assert.rejects(migrate(db, { dir }), /no_such_function/);
      const { rows } = await db.query<{ name: string }>(
        'SELECT name FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows.map((r) => r.name),
        ['0001_a.sql', '0002_b.sql'],
      );
      // Nothing of the failed migration is left behind.
      const c = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'c'");
      assert.equal(c.rows.length, 0);
    });

    test('an applied migration whose file was edited is refused, naming it, before anything runs', async () => {
      await migrate(db, { dir });
      write('0002_b.sql', '-- Why: b\nCREATE TABLE b (id int, extra int);\n');
      write('0003_c.sql', '-- Why: c\nCREATE TABLE c (id int);\n');
      const err = await migrate(db, { dir }).catch((e: unknown) => e);
      assert.ok(err instanceof MigrationError, String(err));
      assert.equal(err.migration, '0002_b.sql');
      assert.match(err.message, /0002_b\.sql was edited after it was applied/);
      const c = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'c'");
      assert.equal(c.rows.length, 0);
    });

    test('a pending migration numbered below the highest applied is refused as out of order', async () => {
      rmSync(join(dir, '0001_a.sql'));
      await migrate(db, { dir });
      write('0001_a.sql', '-- Why: a\nCREATE TABLE a (id int);\n');
      const err = await migrate(db, { dir }).catch((e: unknown) => e);
      assert.ok(err instanceof MigrationError, String(err));
      assert.equal(err.migration, '0001_a.sql');
      assert.match(err.message, /0001_a\.sql is numbered below 0002_b\.sql.*out of order/);
    });

    test('two files with one number are refused', async () => {
      write('0002_other.sql', '-- Why: clash\nSELECT 1;\n');
      const err = await migrate(db, { dir }).catch((e: unknown) => e);
      assert.ok(err instanceof MigrationError);
      assert.equal(err.migration, '0002_other.sql');
    });

    test('a database migrated before checksums were recorded upgrades and backfills them', async () => {
      // The table as the earlier migrator created it, with both migrations applied.
      await db.exec(`CREATE TABLE schema_migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE a (id int); CREATE TABLE b (id int);
        INSERT INTO schema_migrations (version, name) VALUES (1, '0001_a.sql'), (2, '0002_b.sql');`);
      write('0003_c.sql', '-- Why: c\nCREATE TABLE c (id int);\n');
      assert.deepEqual(await migrate(db, { dir }), ['0003_c.sql']);
      const { rows } = await db.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations ORDER BY version',
      );
      const files = listMigrations(dir);
      assert.deepEqual(
        rows.map((r) => r.checksum),
        files.map((f) => f.checksum),
      );
      // From now on an edit is caught.
      write('0001_a.sql', '-- Why: a, edited\nCREATE TABLE a (id int);\n');
      await assert.rejects(
        migrate(db, { dir }),
        (e: unknown) => e instanceof MigrationError && e.migration === '0001_a.sql',
      );
    });

    test('several migrators at once apply each migration exactly once', async () => {
      for (let i = 3; i <= 6; i++) write(`000${i}_m${i}.sql`, `-- Why: ${i}\nCREATE TABLE m${i} (id int);\n`);
      const results = await Promise.all([migrate(db, { dir }), migrate(db, { dir }), migrate(db, { dir })]);
      assert.deepEqual(
        results.flat().sort(),
        listMigrations(dir).map((m) => m.name),
      );
    });
  });
}

test('the migrations of the repository form one sequence with unique numbers', () => {
  const list = listMigrations();
  assert.ok(list.length > 0);
  for (const m of list) assert.match(m.sql, /^-- Why: /, `${m.name} starts with a comment saying why`);
});
