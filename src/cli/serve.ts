// `bulwark serve`: the API, the console and the workers in one process, on the embedded
// database by default. On an embedded data directory it is the directory's owner: it holds the
// lock and runs the commands other processes send it on its control socket (see main.ts).
// Stops gracefully on SIGTERM/SIGINT: in-flight requests and commands finish first.
import { realpathSync } from 'node:fs';
import { type AppContext, createContext, type Serving, seedDemo, serveInStages } from '../app/index.ts';
import { type CliCommand, parseFlags, stringFlag } from '../platform/cli.ts';
import { loadConfig } from '../platform/config.ts';
import { type ControlIO, type ControlServer, listenControl } from '../platform/control.ts';
import { DataDirBusyError } from '../platform/lock.ts';

/** Runs a command line received from another process, with this server's context. */
export type OwnerRunner = (ctx: AppContext, argv: string[], cwd: string, io: ControlIO) => Promise<number>;

/** Opens the control socket and publishes it in the lock, so commands on this directory run here. */
async function acceptCommands(ctx: AppContext, runForOwner: OwnerRunner): Promise<ControlServer | undefined> {
  const lock = ctx.db.lock;
  if (!lock) return undefined;
  const own = realpathSync(ctx.config.dataDir);
  const control = await listenControl(
    ctx.config.dataDir,
    async (req, io) => {
      if (req.dataDir !== own) {
        io.err(`bulwark: this server owns ${own}, not ${req.dataDir}\n`);
        return 2;
      }
      ctx.log.info(
        { command: req.argv.slice(0, 2).join(' '), pid: req.pid },
        'running a command-line command',
      );
      return runForOwner(ctx, req.argv, req.cwd, io);
    },
    (err) => ctx.log.error({ err }, 'command-line command failed'),
  );
  lock.advertise(control.endpoint);
  return control;
}

export const serveCommand = (runForOwner: OwnerRunner): CliCommand<AppContext> => ({
  usage: '[--data DIR] [--port N] [--host H]',
  summary: 'Serve the console and the API (default http://localhost:8080, embedded database in ./data).',
  database: false,
  async run(argv, io) {
    const { flags } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' } });
    const config = loadConfig(process.env, {
      port: stringFlag(flags, 'port'),
      host: stringFlag(flags, 'host'),
      dataDir: stringFlag(flags, 'data'),
    });
    // Listens first: /healthz answers at once, other requests 503 with Retry-After until the
    // context, the workers and the app are up (seconds with 100,000 assets; see serveInStages).
    let control: ControlServer | undefined;
    let serving: Serving;
    try {
      serving = await serveInStages({
        port: config.port,
        host: config.host,
        createContext: () => createContext(config, { command: 'serve' }),
        beforeWorkers: async (ctx) => {
          if (config.seedDemo) await seedDemo(ctx, (l) => io.out(`${l}\n`));
        },
        beforeHandOver: async (ctx) => {
          control = await acceptCommands(ctx, runForOwner);
        },
      });
    } catch (err) {
      if (err instanceof DataDirBusyError) {
        io.err(
          `bulwark serve: ${err.message}\n  Nothing was changed. Stop that process first, or serve another directory with --data.\n`,
        );
        return 1;
      }
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        io.err(`bulwark serve: ${config.host}:${config.port} is in use; choose another with --port.\n`);
        return 1;
      }
      await control?.close();
      throw err;
    }
    const { ctx } = serving;
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ signal }, 'shutting down: finishing in-flight requests and commands');
      await control?.close();
      await serving.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    io.out(
      `Bulwark is serving ${serving.address.replace('127.0.0.1', 'localhost')} (console), API at /api/v1, docs at /api/docs, database: ${
        config.databaseUrl ? 'PostgreSQL' : `embedded in ${config.dataDir}`
      }\n`,
    );
    return new Promise<number>(() => undefined);
  },
});
