// The serve role: the HTTP API, the console and the domain workers in one process.
import { type EarlyListener, listenEarly } from '../platform/http/early.ts';
import { createHttpServer, type App, SESSION_COOKIE } from '../platform/http/server.ts';
import { errors } from '../platform/errors.ts';
import { nextTurn } from '../platform/threads.ts';
import type { AppContext } from './context.ts';
import { registerDomainRoutes } from './routes.ts';

export const CONSOLE_DIR = new URL('../../dist/console/', import.meta.url).pathname;

export async function buildApp(ctx: AppContext, opts: { listener?: EarlyListener } = {}): Promise<App> {
  const app = await createHttpServer({
    config: ctx.config,
    log: ctx.log,
    consoleDir: CONSOLE_DIR,
    listener: opts.listener,
    async authenticate(request) {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const m = /^Bearer (\S+)$/.exec(header);
        // TAXII clients may send the token as the password of HTTP Basic (issue 11).
        const basic = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(header);
        const token = m
          ? m[1]!
          : basic
            ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').slice(1).join(':')
            : '';
        const actor = token ? await ctx.auth.resolveBearer(token) : null;
        if (!actor) throw errors.unauthenticated('The bearer token is invalid, expired or revoked.');
        return { actor };
      }
      const cookie = request.cookies?.[SESSION_COOKIE];
      if (!cookie) return null;
      const s = await ctx.auth.resolveSession(cookie);
      return s ? { actor: s.actor, csrfToken: s.csrfToken } : null;
    },
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'alive',
  }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await ctx.db.query('SELECT 1');
      return { status: 'ready', database: ctx.db.dialect };
    } catch {
      return reply
        .code(503)
        .type('application/problem+json')
        .send(errors.unavailable('The database is not reachable.').toProblem('/readyz'));
    }
  });

  await registerDomainRoutes(app, ctx);

  return app;
}

export interface Serving {
  ctx: AppContext;
  app: App;
  /** `http://host:port` as listened on. */
  address: string;
  /** Stops the app (in-flight requests finish), the listener, then the context. */
  close(): Promise<void>;
}

/**
 * Starts serving in stages, listening first (issue 14): the port answers `/healthz` 200 and `/readyz`
 * 503 `starting` at once, and holds every other request for the app (src/platform/http/early.ts), while the context (database, migrations),
 * the workers and the app are built; then the app takes the same server over. Turns of the event
 * loop between the stages let the probes that arrived meanwhile be answered. `beforeWorkers` runs
 * on the new context (`bulwark serve` seeds the demo there); the app is built before the workers start;
 * `beforeHandOver` runs once the workers started, before the hand-over (it opens its control socket). A failing stage closes what was opened and rethrows.
 */
export async function serveInStages(opts: {
  port: number;
  host: string;
  createContext(): Promise<AppContext>;
  beforeWorkers?(ctx: AppContext): Promise<void>;
  beforeHandOver?(ctx: AppContext): Promise<void>;
  /** Called as soon as the port listens, with its address. */
  onListening?(address: string): void;
  /** How long a request (other than /healthz, /readyz) waits for the app while starting. */
  holdMs?: number;
}): Promise<Serving> {
  const listener = await listenEarly({ port: opts.port, host: opts.host, holdMs: opts.holdMs });
  opts.onListening?.(listener.address);
  let ctx: AppContext | undefined;
  let app: App | undefined;
  try {
    await nextTurn();
    ctx = await opts.createContext();
    await opts.beforeWorkers?.(ctx);
    // The app first, then the workers: the last worker starts the exposure index's build in the
    // background (seconds at 100,000 assets), whose slices would otherwise stretch building the app
    // (its schemas and routes) by about a second. Requests wait for the hand-over either way.
    app = await buildApp(ctx, { listener });
    await nextTurn();
    await app.ready();
    // startWorkers, with a turn between workers: several build state from the database at start.
    for (const w of ctx.workers) {
      await nextTurn();
      await w.start();
    }
    await nextTurn();
    await opts.beforeHandOver?.(ctx);
    listener.handOver();
  } catch (err) {
    await app?.close().catch(() => undefined);
    await listener.close().catch(() => undefined);
    await ctx?.close().catch(() => undefined);
    throw err;
  }
  const built = { ctx, app };
  return {
    ...built,
    address: listener.address,
    async close() {
      await built.app.close();
      await listener.close();
      await built.ctx.close();
    },
  };
}
