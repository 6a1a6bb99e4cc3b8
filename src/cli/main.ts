// bin/bulwark: the command-line entry. Each command is a row of the table below; domains add
// their own rows (one import and one spread per domain).
import { type AppContext, createContext } from '../app/context.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { AppError } from '../platform/errors.ts';
import { advisoryCommands } from '../advisories/cli.ts';
import { assetCommands } from '../assets/cli.ts';
import { exposureCommands } from '../exposures/cli.ts';
import { ledgerCommands } from '../ledger/cli.ts';
import { type CliCommand, orgCommands } from './org-commands.ts';
import { serveCommand } from './serve.ts';
import { UsageError } from './args.ts';

export const COMMANDS: Record<string, CliCommand> = {
  serve: serveCommand,
  ...orgCommands,
  ...ledgerCommands,
  ...assetCommands,
  ...advisoryCommands,
  ...exposureCommands,
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(
    ([name, c]) => `  bulwark ${name} ${c.usage}`.trimEnd() + `\n      ${c.summary}`,
  );
  return [
    'Usage: bulwark <command> [options]',
    '',
    'Every command takes --data DIR (embedded database, default ./data) or uses DATABASE_URL for a PostgreSQL server.',
    '',
    ...rows,
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // Longest matching command name: `org list` before `org`.
  let name = '';
  for (let n = Math.min(3, argv.length); n > 0; n--) {
    const candidate = argv.slice(0, n).join(' ');
    if (COMMANDS[candidate]) {
      name = candidate;
      break;
    }
  }
  if (!name) {
    const wanted = argv
      .filter((a) => !a.startsWith('-'))
      .slice(0, 2)
      .join(' ');
    process.stderr.write(
      `${wanted && !['help'].includes(wanted) ? `unknown command: ${wanted}\n\n` : ''}${usage()}\n`,
    );
    return wanted && wanted !== 'help' ? 2 : 0;
  }
  const cmd = COMMANDS[name]!;
  const rest = argv.slice(name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`bulwark ${name} ${cmd.usage}\n  ${cmd.summary}\n`);
    return 0;
  }
  let ctx: AppContext | undefined;
  try {
    return await cmd.run(rest, async (dataDir) => {
      const config = loadConfig(
        {
          ...process.env,
          LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
          BULWARK_DEMO: process.env.BULWARK_DEMO ?? 'false',
        },
        { dataDir },
      );
      ctx = await createContext(config);
      return ctx;
    });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`bulwark ${name}: ${err.message}\nusage: bulwark ${name} ${cmd.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`bulwark: configuration error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof AppError) {
      const extra =
        (err.extensions.errors as { pointer: string; detail: string }[] | undefined)
          ?.map((e) => `\n  ${e.pointer}: ${e.detail}`)
          .join('') ?? '';
      process.stderr.write(`bulwark ${name}: ${err.message}${extra}\n`);
      return 1;
    }
    throw err;
  } finally {
    if (name !== 'serve') await ctx?.close();
  }
}
