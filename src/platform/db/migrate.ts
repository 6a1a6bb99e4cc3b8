// Forward-only numbered migrations from ./migrations: one sequence for every domain (a new
// migration takes the number after the highest), applied in order, each in its own transaction,
// recorded in schema_migrations with the SHA-256 of its file. The migrator refuses to run, naming
// the migration, when an applied migration's file was edited (its checksum changed) or when a
// pending migration's number is lower than the highest applied one (it would run out of order on
// this database while others ran it in order). Several processes may start at once against one
// PostgreSQL server: every transaction of the migrator takes the same advisory lock, and a
// migration another process applied meanwhile is skipped.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Tx } from './types.ts';

const DEFAULT_DIR = new URL('../../../migrations/', import.meta.url).pathname;
const LOCK = 72_616_001; // arbitrary, fixed: the advisory lock id of the migrator

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** SHA-256 (hex) of the file's bytes. */
  checksum: string;
}

/** Why the migrator refused to run; `migration` names the file concerned. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    message: string,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function listMigrations(dir = DEFAULT_DIR): Migration[] {
  const list = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const bytes = readFileSync(join(dir, f));
      return {
        version: Number(f.slice(0, 4)),
        name: f,
        sql: bytes.toString('utf8'),
        checksum: createHash('sha256').update(bytes).digest('hex'),
      };
    });
  for (let i = 1; i < list.length; i++)
    if (list[i]!.version === list[i - 1]!.version)
      throw new MigrationError(
        list[i]!.name,
        `Migrations ${list[i - 1]!.name} and ${list[i]!.name} share the number ${list[i]!.version}; renumber the newer one.`,
      );
  return list;
}

interface Applied {
  version: number;
  name: string;
  checksum: string | null;
}

async function lockAndRead(tx: Tx): Promise<Map<number, Applied>> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
  const { rows } = await tx.query<Applied & Record<string, unknown>>(
    'SELECT version, name, checksum FROM schema_migrations',
  );
  return new Map(rows.map((r) => [r.version, r]));
}

function assertUnchanged(m: Migration, applied: Applied): void {
  if (applied.checksum !== m.checksum)
    throw new MigrationError(
      m.name,
      `Migration ${m.name} was edited after it was applied to this database (its SHA-256 differs from the ` +
        'recorded one). Applied migrations are never changed: restore the file and add a new migration.',
    );
}

/**
 * Applies the pending migrations and returns their names. Throws `MigrationError` before applying
 * anything when an applied migration was edited or a pending one is out of order.
 */
export async function migrate(db: Database, opts: { dir?: string } = {}): Promise<string[]> {
  const migrations = listMigrations(opts.dir);
  const byVersion = new Map(migrations.map((m) => [m.version, m]));

  const pending = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),
         checksum text)`,
    );
    // Databases migrated before checksums were recorded: add the column and take today's files as
    // the reference (they are the files those databases were migrated with, as far as anyone knows).
    await tx.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
    const applied = await lockAndRead(tx);
    for (const a of applied.values()) {
      const m = byVersion.get(a.version);
      if (m && a.checksum === null) {
        await tx.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1', [
          a.version,
          m.checksum,
        ]);
        a.checksum = m.checksum;
      }
    }
    for (const m of migrations) {
      const a = applied.get(m.version);
      if (a) assertUnchanged(m, a);
    }
    const highest = Math.max(0, ...applied.keys());
    const todo = migrations.filter((m) => !applied.has(m.version));
    const early = todo.find((m) => m.version < highest);
    if (early)
      throw new MigrationError(
        early.name,
        `Migration ${early.name} is numbered below ${applied.get(highest)?.name ?? highest}, which this database ` +
          'has already applied; it would run out of order. Give it the next number after the highest.',
      );
    return todo;
  });

  const done: string[] = [];
  for (const m of pending) {
    const ran = await db.transaction(async (tx) => {
      // Another process may have applied it since the check above.
      const now = await lockAndRead(tx);
      const a = now.get(m.version);
      if (a) {
        assertUnchanged(m, a);
        return false;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      return true;
    });
    if (ran) done.push(m.name);
  }
  return done;
}
