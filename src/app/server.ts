// The serve role: the HTTP API, the console and the domain workers in one process.
import { createHttpServer, type App, SESSION_COOKIE } from '../platform/http/server.ts';
import { errors } from '../platform/errors.ts';
import type { AppContext } from './context.ts';
import { registerDomainRoutes } from './routes.ts';

export const CONSOLE_DIR = new URL('../../dist/console/', import.meta.url).pathname;

export async function buildApp(ctx: AppContext): Promise<App> {
  const app = await createHttpServer({
    config: ctx.config,
    log: ctx.log,
    consoleDir: CONSOLE_DIR,
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
