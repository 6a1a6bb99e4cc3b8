// Operating an installation: back up, restore, and move an embedded database to PostgreSQL.
// A backup of an embedded directory is taken by its owner (the server when it runs, see
// main.ts), between two statements, so it is consistent while the server accepts writes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { type AppContext, createContext } from '../app/index.ts';
import { ledgerCommands } from '../ledger/index.ts';
import {
  type CliCommand,
  CommandFailure,
  type CommandIO,
  parseFlags,
  stringFlag,
  UsageError,
} from '../platform/cli.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { copyDatabase, restoreDataDir } from '../platform/db/index.ts';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function describeLedger(s: { origin: string; treeSize: number; root: string; publishedAt: string }): string {
  return `ledger ${s.origin} at size ${s.treeSize}, root ${s.root} (checkpoint of ${s.publishedAt})`;
}

/** Writes a file whole or not at all: a sibling first, then a rename over the target. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.partial`;
  writeFileSync(tmp, bytes, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

/** Runs `ledger audit --local` on a context: the same check, the same lines. */
function auditLocal(ctx: AppContext, io: CommandIO<AppContext>): Promise<number> {
  return ledgerCommands['ledger audit']!.run(['--local'], { ...io, open: async () => ctx });
}

export const operateCommands: Record<string, CliCommand<AppContext>> = {
  backup: {
    usage: 'FILE [--data DIR]',
    database: true,
    summary:
      'Write a consistent backup (embedded: the data directory as .tar.gz, taken by the server when it runs; PostgreSQL: pg_dump custom format). Prints its size and SHA-256.',
    async run(argv, io) {
      const { positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one backup FILE');
      const file = io.path(positionals[0]!);
      if (existsSync(file)) throw new UsageError(`${file} exists; choose a new file name`);
      const ctx = await io.open();
      if (ctx.db.embedded) {
        const status = await ctx.ledger.status();
        const bytes = await ctx.db.embedded.snapshot();
        writeAtomically(file, bytes);
        io.out(
          `backup ${file}: ${bytes.length} bytes, sha256 ${sha256(bytes)}\n` +
            `contains the ${describeLedger(status)} or later\n`,
        );
        return 0;
      }
      const url = ctx.config.databaseUrl!;
      const r = spawnSync('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${url}`], {
        encoding: 'utf8',
      });
      if (r.error || r.status !== 0) {
        throw new CommandFailure(
          `pg_dump failed: ${r.error?.message ?? r.stderr.trim()}\n` +
            '  On PostgreSQL, back up with the server\'s own tools (pg_dump of the same major version as the server, or a base backup with WAL archiving); see README, "Operating".',
        );
      }
      const bytes = readFileSync(file);
      io.out(`backup ${file}: ${bytes.length} bytes, sha256 ${sha256(bytes)} (pg_dump custom format)\n`);
      return 0;
    },
  },

  restore: {
    usage: 'FILE --data DIR',
    database: false,
    summary:
      'Restore an embedded backup into an empty (or new) data directory, then check the ledger. Refuses a directory that holds anything.',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one backup FILE');
      const target = stringFlag(flags, 'data');
      if (!target) throw new UsageError('--data DIR is required: the empty directory to restore into');
      const dir = io.path(target);
      if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0))
        throw new UsageError(`${dir} is not an empty directory; restore only into an empty or new one`);
      const bytes = readFileSync(io.path(positionals[0]!));
      if (bytes[0] !== 0x1f || bytes[1] !== 0x8b)
        throw new CommandFailure(`${positionals[0]} is not a backup of an embedded database (a .tar.gz)`);
      await restoreDataDir(dir, bytes);
      const config = loadConfig(
        { ...process.env, BULWARK_DEMO: 'false', LOG_LEVEL: 'warn' },
        { dataDir: dir },
      );
      const ctx = await createContext(
        { ...config, databaseUrl: undefined },
        { command: 'restore', log: createLogger('error', process.stderr) },
      );
      try {
        const status = await ctx.ledger.status();
        io.out(
          `restored ${positionals[0]} (sha256 ${sha256(bytes)}) into ${dir}\n${describeLedger(status)}\n`,
        );
        const audit = await auditLocal(ctx, io);
        if (audit !== 0) return audit;
        io.out(
          `The ledger continues from size ${status.treeSize}. If this log published a larger checkpoint after the backup was taken, ` +
            'do not serve this directory under the same origin: see README, "Operating".\n',
        );
        return 0;
      } finally {
        await ctx.close();
      }
    },
  },

  'move-to': {
    usage: 'postgres://… [--data DIR]',
    database: true,
    exclusive:
      'moving needs the database to itself (writes made after the copy would be lost). Stop the server, run move-to, then start it with the DATABASE_URL that move-to prints.',
    summary:
      'Copy the embedded database into an empty PostgreSQL database (schema by the migrations, then the data), verify row counts and the ledger root, and print the DATABASE_URL to use.',
    async run(argv, io) {
      const { positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1 || !/^postgres(ql)?:\/\//.test(positionals[0]!))
        throw new UsageError('give the postgres:// URL of an empty database');
      const url = positionals[0]!;
      const ctx = await io.open();
      if (!ctx.db.embedded)
        throw new UsageError('DATABASE_URL is set: this installation already runs on PostgreSQL');
      const source = await ctx.ledger.status();
      const copied = await copyDatabase(ctx.db.embedded, url, (line) => io.out(`${line}\n`));
      const target = await createContext(
        { ...ctx.config, databaseUrl: url, seedDemo: false },
        { command: 'move-to', log: createLogger('error', process.stderr) },
      );
      try {
        const moved = await target.ledger.status();
        if (
          moved.treeSize !== source.treeSize ||
          moved.root !== source.root ||
          moved.origin !== source.origin
        )
          throw new CommandFailure(
            `the ledger differs after the copy: ${describeLedger(source)} here, ${describeLedger(moved)} there`,
          );
        // Without a secret the signing key is encrypted under the data directory's KEK file, which
        // the server on PostgreSQL must be given.
        const kek = ctx.config.ledger.secret ? '' : ` BULWARK_LEDGER_KEK_FILE='${ctx.config.ledger.kekFile}'`;
        io.out(
          `copied ${copied.tables} tables, ${copied.rows} rows; row counts match; ${describeLedger(moved)} matches\n` +
            `Start the server on PostgreSQL with:\n  DATABASE_URL='${url}'${kek} npm start\n` +
            (kek
              ? '  (the ledger signing key stays encrypted under that key-encryption key file: keep it, or set BULWARK_LEDGER_SECRET)\n'
              : ''),
        );
        return 0;
      } finally {
        await target.close();
      }
    },
  },
};
