// Opens the configured database and brings its schema up to date. An embedded data directory is
// private to its owner: it is taken with the data-directory lock (../lock.ts) for the lifetime
// of the process, and made readable by this user only.
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDataDirLock, type DataDirLock, describeOwner } from '../lock.ts';
import { migrate } from './migrate.ts';
import { loadPgliteSnapshot } from './move.ts';
import { type EmbeddedDatabase, openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';
import type { Database } from './types.ts';

export type { Database, Queryable, Tx, Row, QueryResult } from './types.ts';
export type { EmbeddedDatabase } from './pglite.ts';

export interface DatabaseConfig {
  /** A postgres:// URL; when absent the embedded database is used. */
  url?: string;
  /** Data directory of the embedded database; undefined keeps it in memory. */
  dataDir?: string;
}

export interface OpenOptions {
  migrate?: boolean;
  /** What this process is doing, recorded in the data directory's lock (`serve`, `import osv` …). */
  command?: string;
  /** Where one-off notices go (a lock taken over, permissions tightened); stderr by default. */
  notice?: (message: string) => void;
}

/** A database opened by this process; `lock` is set for an embedded data directory. */
export type OpenedDatabase = Database & { readonly lock?: DataDirLock; readonly embedded?: EmbeddedDatabase };

const stderrNotice = (m: string) => void process.stderr.write(`bulwark: ${m}\n`);

/**
 * Creates the data directory (0700) and tightens anything in it that others can read: directories
 * 0700, files 0600 (a restored backup, a directory made before this rule, another umask). It holds password hashes, sessions and, unencrypted in its WAL, anything written.
 */
export function prepareDataDir(dir: string, notice: (m: string) => void = stderrNotice): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The database engine makes a few files 0644 inside the directory as it runs (pg_internal.init):
  // no one else could reach them through a 0700 directory, so they are tightened without a word.
  // Only a directory that others could enter is worth saying so.
  const open = (lstatSync(dir).mode & 0o077) !== 0;
  let changed = 0;
  const walk = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o077) !== 0) {
      chmodSync(path, st.isDirectory() ? 0o700 : st.mode & 0o700);
      changed++;
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
  if (changed > 0 && open)
    notice(
      `the data directory ${dir} held files readable by other users: ${changed} files and folders are now this user's only`,
    );
}

export async function openDatabase(cfg: DatabaseConfig, opts: OpenOptions = {}): Promise<OpenedDatabase> {
  if (cfg.url) {
    const db = await openPostgres(cfg.url);
    if (opts.migrate !== false) await migrate(db);
    return db;
  }
  if (!cfg.dataDir) {
    const db = await openPglite();
    if (opts.migrate !== false) await migrate(db);
    return Object.assign(Object.create(db) as Database, { embedded: db });
  }
  const notice = opts.notice ?? stderrNotice;
  prepareDataDir(cfg.dataDir, notice);
  const lock = acquireDataDirLock(cfg.dataDir, opts.command ?? 'serve');
  if (lock.tookOverFrom)
    notice(`took over the lock of ${describeOwner(lock.tookOverFrom)}, which is no longer running`);
  let db: EmbeddedDatabase | undefined;
  try {
    db = await openPglite(cfg.dataDir);
    if (opts.migrate !== false) await migrate(db);
  } catch (err) {
    await db?.close().catch(() => undefined);
    lock.release();
    throw err;
  }
  const opened = db;
  // The lock goes when the database is closed, and with the process in any case.
  const release = () => lock.release();
  process.once('exit', release);
  return Object.assign(Object.create(opened) as Database, {
    lock,
    embedded: opened,
    async close() {
      try {
        await opened.close();
      } finally {
        process.off('exit', release);
        lock.release();
      }
    },
  });
}

export { type CopyReport, copyDatabase } from './move.ts';
export { statisticsKeeper } from './statistics.ts';

/**
 * Restores a backup (an embedded `snapshot()`) into `dir`, which must be empty, holding the
 * directory's lock meanwhile. The backup may carry the lock file of the process that took it:
 * ours is written again over it before the lock is released.
 */
export async function restoreDataDir(dir: string, tarball: Uint8Array): Promise<void> {
  prepareDataDir(dir);
  const lock = acquireDataDirLock(dir, 'restore');
  try {
    await loadPgliteSnapshot(dir, tarball);
    lock.advertise(undefined);
  } finally {
    lock.release();
  }
  // The archive carries the modes of the files it was made from.
  prepareDataDir(dir, () => undefined);
}
