// The planner's statistics on the embedded database. PostgreSQL's autovacuum runs ANALYZE on a
// table once enough of it has changed; PGlite has no autovacuum, so a data directory's tables were
// never analysed, and the planner guessed their sizes and value distributions. One such guess read
// the whole sbom_components table for every page of the exposure index's build (21 s at 100,000
// assets). This keeper stands in for autovacuum's ANALYZE on PGlite: every few minutes it looks for
// tables whose size moved since their last ANALYZE and analyses them, one statement at a time with
// turns of the event loop between (each holds the embedded database while it samples). On a
// PostgreSQL server it does nothing: autovacuum does this there.
import type { Logger } from '../log.ts';
import { nextTurn } from '../threads.ts';
import type { Worker } from '../worker.ts';
import type { Queryable } from './types.ts';

/** A table smaller than this (in 8 KiB pages) is read whole by any plan: its statistics hardly matter. */
export const MIN_PAGES = 16;
/** Re-analyse when the size moved by more than this share since the last ANALYZE (autovacuum's default scale factor is 0.1 of rows). */
export const CHANGED_SHARE = 0.2;

export interface TableSize {
  name: string;
  /** Pages now. */
  pages: number;
  /** Pages at the last ANALYZE (or VACUUM, CREATE INDEX); 0 when never. */
  analysedPages: number;
  /** Whether the table was ever analysed (reltuples is -1 until then). */
  analysed: boolean;
}

/** The application's tables (schema public) with their size now and at their last ANALYZE. */
export async function tableSizes(db: Queryable): Promise<TableSize[]> {
  const r = await db.query<{ name: string; pages: string; relpages: number; reltuples: number }>(
    `SELECT c.oid::regclass::text AS name, c.relpages, c.reltuples,
       pg_relation_size(c.oid) / current_setting('block_size')::int AS pages
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname = 'public'
     ORDER BY c.oid`,
  );
  return r.rows.map((x) => ({
    name: x.name,
    pages: Number(x.pages),
    analysedPages: Number(x.relpages),
    analysed: Number(x.reltuples) >= 0,
  }));
}

/** Whether a table's statistics are missing or out of date by its size. */
export function isStale(t: TableSize): boolean {
  if (t.pages < MIN_PAGES) return false;
  if (!t.analysed) return true;
  return Math.abs(t.pages - t.analysedPages) > Math.max(MIN_PAGES / 2, CHANGED_SHARE * t.analysedPages);
}

/** Analyses the stale tables, one at a time with a turn of the event loop between; their names. */
export async function analyseStale(db: Queryable, limit = 20): Promise<string[]> {
  const stale = (await tableSizes(db)).filter(isStale).slice(0, limit);
  for (const t of stale) {
    await nextTurn();
    // The name comes from pg_class (regclass text: quoted where it needs quotes), not from input.
    await db.query(`ANALYZE ${t.name}`);
  }
  return stale.map((t) => t.name);
}

/**
 * The keeper's worker: on the embedded database, a pass a minute after the start (not in the way of
 * the start itself) and then every `intervalMs`. A failed pass is logged and tried again next time.
 */
export function statisticsKeeper(
  db: Queryable & { readonly dialect: 'pglite' | 'postgres' },
  log?: Logger,
  opts: { firstMs?: number; intervalMs?: number } = {},
): Worker {
  let first: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = () => {
    if (running || stopped) return;
    const t0 = performance.now();
    running = analyseStale(db)
      .then((tables) => {
        if (tables.length)
          log?.info({ tables, ms: Math.round(performance.now() - t0) }, 'planner statistics gathered');
      })
      .catch((err: unknown) => log?.warn({ err }, 'gathering planner statistics failed'))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name: 'statistics-keeper',
    start: async () => {
      if (db.dialect !== 'pglite') return;
      stopped = false;
      first = setTimeout(pass, opts.firstMs ?? 60_000);
      first.unref();
      timer = setInterval(pass, opts.intervalMs ?? 600_000);
      timer.unref();
    },
    stop: async () => {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
