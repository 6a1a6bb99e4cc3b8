// Moving data between the two implementations of the port: restoring an embedded data directory
// from a backup, and copying an embedded database into an empty PostgreSQL database. Both know
// nothing of the domains: the schema comes from the migrations, the tables and their foreign
// keys from the catalog, and rows travel as JSON through `json_populate_recordset`, so every
// type round-trips through its own text form (bytea, timestamptz, jsonb, arrays, numeric).
import { PGlite } from '@electric-sql/pglite';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';
import type { Database, Queryable } from './types.ts';

/** Creates an embedded database in `dir` (which must be empty) from a `snapshot()` tarball. */
export async function loadPgliteSnapshot(dir: string, tarball: Uint8Array): Promise<void> {
  const pg = await PGlite.create({ dataDir: dir, loadDataDir: new Blob([new Uint8Array(tarball)]) });
  await pg.query('SELECT 1');
  await pg.close();
}

interface TableInfo {
  name: string;
  /** Columns that take a value on insert (generated columns excluded). */
  columns: string[];
  /** A column referencing this same table (a tree), copied parents first. */
  selfRef?: { column: string; target: string };
  /** Serial or identity columns whose sequence must continue after the copied maximum. */
  sequences: string[];
}

const BOOKKEEPING = new Set(['schema_migrations']);
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function tablesOf(db: Queryable): Promise<TableInfo[]> {
  const tables = (
    await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows
    .map((r) => r.table_name)
    .filter((t) => !BOOKKEEPING.has(t));
  const cols = (
    await db.query<{
      table_name: string;
      column_name: string;
      is_generated: string;
      column_default: string | null;
      is_identity: string;
    }>(
      `SELECT table_name, column_name, is_generated, column_default, is_identity
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    )
  ).rows;
  const fks = (
    await db.query<{ child: string; parent: string; child_col: string; parent_col: string }>(
      `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent,
              a.attname AS child_col, pa.attname AS parent_col
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
        WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`,
    )
  ).rows;
  const info = new Map<string, TableInfo>();
  for (const t of tables) {
    const mine = cols.filter((c) => c.table_name === t);
    info.set(t, {
      name: t,
      columns: mine.filter((c) => c.is_generated === 'NEVER').map((c) => c.column_name),
      sequences: mine
        .filter((c) => c.is_identity === 'YES' || c.column_default?.startsWith('nextval('))
        .map((c) => c.column_name),
    });
  }
  // Parents before children (Kahn's order); a table's reference to itself is handled row by row.
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const fk of fks) {
    const child = fk.child.replaceAll('"', '');
    const parent = fk.parent.replaceAll('"', '');
    if (!info.has(child) || !info.has(parent)) continue;
    if (child === parent) info.get(child)!.selfRef = { column: fk.child_col, target: fk.parent_col };
    else parents.get(child)!.add(parent);
  }
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !done.has(t) && [...parents.get(t)!].every((p) => done.has(p)));
    if (ready.length === 0)
      throw new Error(`foreign keys form a cycle among ${tables.filter((t) => !done.has(t)).join(', ')}`);
    for (const t of ready) {
      done.add(t);
      ordered.push(info.get(t)!);
    }
  }
  return ordered;
}

/** The rows of a table as JSON text, parents first for a tree. */
function selectRows(t: TableInfo): string {
  const cols = t.columns.map(ident).join(', ');
  if (!t.selfRef) return `SELECT row_to_json(r)::text AS j FROM (SELECT ${cols} FROM ${ident(t.name)}) r`;
  const { column, target } = t.selfRef;
  return `WITH RECURSIVE walk AS (
            SELECT x.*, 0 AS depth FROM ${ident(t.name)} x WHERE x.${ident(column)} IS NULL
            UNION ALL
            SELECT y.*, walk.depth + 1 FROM ${ident(t.name)} y JOIN walk ON y.${ident(column)} = walk.${ident(target)})
          SELECT row_to_json(r)::text AS j FROM (SELECT ${cols} FROM walk ORDER BY depth) r`;
}

const BATCH_ROWS = 2000;

export interface CopyReport {
  tables: number;
  rows: number;
  counts: Record<string, number>;
}

/**
 * Copies every table of `source` into the empty PostgreSQL database at `url`, in one target
 * transaction (all or nothing), then checks the row count of every table on both sides.
 */
export async function copyDatabase(
  source: Database,
  url: string,
  progress: (line: string) => void,
): Promise<CopyReport> {
  const target = await openPostgres(url);
  try {
    const existing = await target.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema()`,
    );
    if (existing.rows[0]!.n > 0)
      throw new Error('the target database is not empty: give the URL of a new, empty database');
    await migrate(target);
    const tables = await tablesOf(source);
    const counts: Record<string, number> = {};
    let rows = 0;
    await target.transaction(async (tx) => {
      // Rows a migration may have inserted come again from the source.
      await tx.query(`TRUNCATE ${tables.map((t) => ident(t.name)).join(', ')}`);
      for (const t of tables) {
        const cols = t.columns.map(ident).join(', ');
        const insert = `INSERT INTO ${ident(t.name)} (${cols}) OVERRIDING SYSTEM VALUE
                        SELECT ${cols} FROM json_populate_recordset(NULL::${ident(t.name)}, $1::json)`;
        let n = 0;
        // The source is the embedded database held by this process alone: a cursor in one
        // read transaction sees one snapshot and keeps memory to one batch.
        await source.transaction(async (read) => {
          await read.query(`DECLARE move_cursor NO SCROLL CURSOR FOR ${selectRows(t)}`);
          for (;;) {
            const batch = await read.query<{ j: string }>(`FETCH ${BATCH_ROWS} FROM move_cursor`);
            if (batch.rows.length === 0) break;
            await tx.query(insert, [`[${batch.rows.map((r) => r.j).join(',')}]`]);
            n += batch.rows.length;
          }
          await read.query('CLOSE move_cursor');
        });
        for (const c of t.sequences) {
          await tx.query(
            `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${ident(c)}) FROM ${ident(t.name)}), 0) + 1, false)`,
            [t.name, c],
          );
        }
        counts[t.name] = n;
        rows += n;
        if (n > 0) progress(`${t.name}: ${n} rows`);
      }
    });
    // Verify: the same number of rows in every table on both sides.
    for (const t of tables) {
      const q = `SELECT count(*)::int AS n FROM ${ident(t.name)}`;
      const [a, b] = [
        (await source.query<{ n: number }>(q)).rows[0]!.n,
        (await target.query<{ n: number }>(q)).rows[0]!.n,
      ];
      if (a !== b) throw new Error(`row counts differ in ${t.name}: ${a} here, ${b} in PostgreSQL`);
    }
    return { tables: tables.length, rows, counts };
  } finally {
    await target.close();
  }
}
