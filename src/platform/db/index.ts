// Opens the configured database and brings its schema up to date.
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';
import { migrate } from './migrate.ts';

export type { Database, Queryable, Tx, Row, QueryResult } from './types.ts';

export interface DatabaseConfig {
  /** A postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Data directory of the embedded database; undefined keeps it in memory. */
  dataDir?: string;
}

export async function openDatabase(cfg: DatabaseConfig, opts: { migrate?: boolean } = {}): Promise<Database> {
  const db = cfg.url ? await openPostgres(cfg.url) : await openPglite(cfg.dataDir);
  if (opts.migrate !== false) await migrate(db);
  return db;
}
