// `bulwark serve`: the API, the console and the workers in one process, on the embedded
// database by default. Stops gracefully on SIGTERM/SIGINT: in-flight requests finish first.
import { createContext, startWorkers } from '../app/context.ts';
import { buildApp } from '../app/server.ts';
import { seedDemoIfEmpty } from '../orgs/demo.ts';
import { loadConfig } from '../platform/config.ts';
import { parseFlags } from './args.ts';
import type { CliCommand } from './org-commands.ts';

export const serveCommand: CliCommand = {
  usage: '[--data DIR] [--port N] [--host H]',
  summary: 'Serve the console and the API (default http://localhost:8080, embedded database in ./data).',
  async run(argv) {
    const { flags } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' } });
    const config = loadConfig(process.env, {
      port: typeof flags.port === 'string' ? flags.port : undefined,
      host: typeof flags.host === 'string' ? flags.host : undefined,
      dataDir: typeof flags.data === 'string' ? flags.data : undefined,
    });
    const ctx = await createContext(config);
    if (config.seedDemo) {
      await seedDemoIfEmpty(ctx.db, ctx.orgs, config.dataDir, (l) => process.stdout.write(`${l}\n`));
    }
    await startWorkers(ctx);
    const app = await buildApp(ctx);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info({ signal }, 'shutting down: finishing in-flight requests');
      await app.close();
      await ctx.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    const address = await app.listen({ port: config.port, host: config.host });
    process.stdout.write(
      `Bulwark is serving ${address.replace('127.0.0.1', 'localhost')} (console), API at /api/v1, docs at /api/docs, database: ${
        config.databaseUrl ? 'PostgreSQL' : `embedded in ${config.dataDir}`
      }\n`,
    );
    return new Promise<number>(() => undefined);
  },
};
