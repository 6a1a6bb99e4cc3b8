// bin/bulwark: the command-line entry. Each command is a row of the table below; domains
// contribute their rows through the CliCommand interface of src/platform/cli.ts.
//
// An embedded data directory has one owner (src/platform/lock.ts). A command that uses the
// database finds out first whether a live process owns the directory: when the owner is a
// server, the command line is sent to it over its control socket and runs there, with the
// server's database, caches and indexes (src/platform/control.ts); when the owner offers no way
// in, the command refuses, naming it. Otherwise the command takes the directory for itself.
import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { advisoryCommands } from '../advisories/index.ts';
import { type AppContext, createContext } from '../app/index.ts';
import { assetCommands } from '../assets/index.ts';
import { exposureCommands } from '../exposures/index.ts';
import { incidentCommands } from '../incidents/index.ts';
import { intelCommands } from '../intel/index.ts';
import { ledgerCommands } from '../ledger/index.ts';
import { metricsCommands } from '../metrics/index.ts';
import {
  type CliCommand,
  CommandFailure,
  type CommandIO,
  dataFlag,
  processIO,
  UsageError,
} from '../platform/cli.ts';
import { type Config, ConfigError, loadConfig } from '../platform/config.ts';
import { publicCommands } from '../public/index.ts';
import { callControl, ControlError } from '../platform/control.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger } from '../platform/log.ts';
import { DataDirBusyError, describeOwner, type LockInfo, ownerLiveness, readLock } from '../platform/lock.ts';
import { operateCommands } from './operate.ts';
import { orgCommands } from './org-commands.ts';
import { serveCommand } from './serve.ts';

export const COMMANDS: Record<string, CliCommand<AppContext>> = {
  serve: serveCommand(runForOwner),
  ...orgCommands,
  ...operateCommands,
  ...ledgerCommands,
  ...assetCommands,
  ...advisoryCommands,
  ...exposureCommands,
  ...intelCommands,
  ...incidentCommands,
  ...metricsCommands,
  ...publicCommands,
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(
    ([name, c]) => `  bulwark ${name} ${c.usage}`.trimEnd() + `\n      ${c.summary}`,
  );
  return [
    'Usage: bulwark <command> [options]',
    '',
    'Every command takes --data DIR (embedded database, default ./data) or uses DATABASE_URL for a PostgreSQL server.',
    'While `bulwark serve` runs on a data directory, commands on that directory run inside the server.',
    '',
    ...rows,
  ].join('\n');
}

/** Splits a command line into the longest matching command name and its arguments. */
export function findCommand(argv: readonly string[]): { name: string; rest: string[] } | undefined {
  for (let n = Math.min(3, argv.length); n > 0; n--) {
    const candidate = argv.slice(0, n).join(' ');
    if (COMMANDS[candidate]) return { name: candidate, rest: argv.slice(n) };
  }
  return undefined;
}

export function usesDatabase(cmd: CliCommand<AppContext>, rest: readonly string[]): boolean {
  return typeof cmd.database === 'function' ? cmd.database(rest) : cmd.database;
}

/**
 * Runs one command with the given IO and maps the errors every command may throw to one line on
 * stderr and an exit status. The same function runs a command in its own process and inside the
 * owner of a data directory, so both print the same and exit the same.
 */
export async function runCommand(name: string, rest: string[], io: CommandIO<AppContext>): Promise<number> {
  const cmd = COMMANDS[name]!;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`bulwark ${name} ${cmd.usage}\n  ${cmd.summary}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`bulwark ${name}: ${err.message}\nusage: bulwark ${name} ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      io.err(`bulwark: configuration error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CommandFailure || err instanceof DataDirBusyError) {
      io.err(`bulwark ${name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof AppError) {
      const extra =
        (err.extensions.errors as { pointer: string; detail: string }[] | undefined)
          ?.map((e) => `\n  ${pointerText(e.pointer)}: ${e.detail}`)
          .join('') ?? '';
      io.err(`bulwark ${name}: ${err.message}${extra}\n`);
      return 1;
    }
    throw err;
  }
}

/** A JSON pointer as a person reads it: the empty pointer is the whole document, not a blank. */
function pointerText(pointer: string): string {
  return pointer === '' ? '(the document)' : pointer;
}

function cliConfig(dataDir: string | undefined): Config {
  return loadConfig(
    {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      BULWARK_DEMO: process.env.BULWARK_DEMO ?? 'false',
    },
    { dataDir },
  );
}

const SERVER_START_WAIT_MS = 60_000;

/** The live owner of a data directory, waiting while a starting server has not opened its socket yet. */
async function liveOwner(dir: string): Promise<LockInfo | undefined> {
  const deadline = Date.now() + SERVER_START_WAIT_MS;
  let said = false;
  for (;;) {
    const owner = existsSync(dir) ? readLock(dir) : undefined;
    if (!owner || ownerLiveness(owner) === 'dead') return undefined;
    if (owner.control || owner.command !== 'serve' || Date.now() > deadline) return owner;
    if (!said) {
      process.stderr.write(`bulwark: waiting for ${describeOwner(owner)} to finish starting\n`);
      said = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function refusal(dir: string, owner: LockInfo, why: string): string {
  return (
    `bulwark: the data directory ${dir} is in use by ${describeOwner(owner)}; ${why}\n` +
    `  Nothing was changed. Wait for it to finish (or stop it), then run the command again.\n`
  );
}

export async function main(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    const wanted = argv
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ');
    process.stderr.write(
      `${wanted && !['help'].includes(wanted) ? `unknown command: ${wanted}\n\n` : ''}${usage()}\n`,
    );
    return wanted && wanted !== 'help' ? 2 : 0;
  }
  const { name, rest } = found;
  const cmd = COMMANDS[name]!;
  let config: Config | undefined;
  if (usesDatabase(cmd, rest) && !rest.includes('--help') && !rest.includes('-h')) {
    try {
      config = cliConfig(dataFlag(rest));
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`bulwark: configuration error: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    if (!config.databaseUrl) {
      const owner = await liveOwner(config.dataDir);
      if (owner) {
        if (cmd.exclusive) {
          process.stderr.write(refusal(config.dataDir, owner, cmd.exclusive));
          return 1;
        }
        if (!owner.control) {
          process.stderr.write(
            refusal(config.dataDir, owner, 'it does not take commands from other processes.'),
          );
          return 1;
        }
        try {
          return await callControl(
            owner.control,
            { argv, cwd: process.cwd(), dataDir: realpathSync(config.dataDir), pid: process.pid },
            { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) },
          );
        } catch (err) {
          if (!(err instanceof ControlError)) throw err;
          process.stderr.write(
            `bulwark: could not run the command through ${describeOwner(owner)}: ${err.message}\n` +
              '  A command sent to the server is one transaction: it either completed or left nothing.\n',
          );
          return 1;
        }
      }
    }
  }
  let ctx: AppContext | undefined;
  try {
    return await runCommand(
      name,
      rest,
      processIO(async () => {
        const c = config ?? cliConfig(dataFlag(rest));
        // The command's output is stdout (often --json for a program); its log goes to stderr.
        ctx ??= await createContext(c, { command: name, log: createLogger(c.logLevel, process.stderr) });
        return ctx;
      }),
    );
  } finally {
    if (name !== 'serve') await ctx?.close();
  }
}

/** Runs a command line received on the owner's control socket, with the owner's context. */
export async function runForOwner(
  ctx: AppContext,
  argv: string[],
  cwd: string,
  io: Pick<CommandIO<AppContext>, 'out' | 'err'>,
): Promise<number> {
  const found = findCommand(argv);
  if (!found || !usesDatabase(COMMANDS[found.name]!, found.rest) || COMMANDS[found.name]!.exclusive) {
    io.err(`bulwark: the server does not run \`${argv.slice(0, 2).join(' ')}\`\n`);
    return 2;
  }
  return runCommand(found.name, found.rest, {
    ...io,
    path: (p) => resolve(cwd, p),
    stdin: () => Promise.reject(new UsageError('standard input cannot be read through the server')),
    open: async () => ctx,
  });
}
