// Test support: the databases every storage and API suite runs against. PGlite always; a real
// PostgreSQL when TEST_DATABASE_URL is set (mandatory when CI=true). Each call gets a fresh
// database of its own on the server, dropped afterwards, so suites can run side by side.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from './db/index.ts';
import type { Database } from './db/types.ts';

export interface TestDatabaseKind {
  name: 'pglite' | 'postgres';
  /** Why this kind is skipped on this machine, or undefined when it runs. */
  skip?: string;
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  /** The URL of the fresh server database (postgres only), e.g. for a child process. */
  url?: string;
  dispose(): Promise<void>;
}

export function testDatabaseKinds(): TestDatabaseKind[] {
  const url = process.env.TEST_DATABASE_URL;
  const ci = process.env.CI === 'true';
  if (!url && ci)
    throw new Error('CI=true but TEST_DATABASE_URL is not set: the PostgreSQL suite is mandatory in CI.');
  return [
    {
      name: 'pglite',
      async open() {
        const db = await openDatabase({});
        return { db, dispose: () => db.close() };
      },
    },
    {
      name: 'postgres',
      skip: url
        ? undefined
        : 'TEST_DATABASE_URL is not set; PostgreSQL tests skipped (set it, e.g. postgres://127.0.0.1:5432/test)',
      async open() {
        const created = await createScratchDatabase(url!);
        const db = await openDatabase({ url: created.url });
        return {
          db,
          url: created.url,
          async dispose() {
            await db.close();
            await created.drop();
          },
        };
      },
    },
  ];
}

/** Creates an empty database on the server named by `url` and returns its URL. */
export async function createScratchDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bulwark_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
