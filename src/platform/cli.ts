// What a command of `bin/bulwark` is, and the plumbing every command shares: flag parsing with
// clear errors and output helpers (`--json` prints one JSON object a line). Domains contribute
// commands typed over the part of the application context they use; `src/cli/main.ts` assembles
// them. A command writes only through its CommandIO, so the same code runs in its own process or
// inside the process that owns the data directory (see control.ts).
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** A verification or lookup that failed: `bulwark <command>: <message>` on stderr, exit status 1. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
}

export interface CommandIO<C> {
  out(text: string): void;
  err(text: string): void;
  /** A path argument resolved against the invoker's working directory. */
  path(p: string): string;
  /** Standard input of the invoker, as text. */
  stdin(): Promise<string>;
  /** The application context on the database this command was pointed at. */
  open(): Promise<C>;
}

export interface CliCommand<C = unknown> {
  usage: string;
  summary: string;
  /**
   * Whether the command uses the database, given its arguments. A command that does is run by the
   * owner of an embedded data directory when one is running (see src/cli/main.ts).
   */
  database: boolean | ((argv: readonly string[]) => boolean);
  /**
   * Set when the command needs the data directory to itself (it cannot run inside a server): why,
   * in words printed to the user when another process owns the directory.
   */
  exclusive?: string;
  run(argv: string[], io: CommandIO<C>): Promise<number>;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  data: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export function parseFlags(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionals = false,
): { flags: Flags; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: positionals,
      strict: true,
    });
    return { flags: r.values as Flags, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The value of `--data` in a command line, if given (before the command's own parsing). */
export function dataFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--data') return argv[i + 1];
    if (a.startsWith('--data=')) return a.slice('--data='.length);
  }
  return undefined;
}

export function requireFlag(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function stringFlag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export function printJsonLines(io: Pick<CommandIO<unknown>, 'out'>, items: readonly unknown[]): void {
  for (const i of items) io.out(`${JSON.stringify(i)}\n`);
}

export function printTable(
  io: Pick<CommandIO<unknown>, 'out'>,
  rows: readonly Record<string, unknown>[],
  columns: string[],
): void {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const text = [line(columns), ...rows.map((r) => line(columns.map((c) => String(r[c] ?? ''))))];
  io.out(`${text.join('\n')}\n`);
}

/** The IO of a command run in this process: the process's own streams and working directory. */
export function processIO<C>(open: () => Promise<C>): CommandIO<C> {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    path: (p) => resolve(process.cwd(), p),
    async stdin() {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    open,
  };
}
