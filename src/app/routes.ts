// Every domain's routes, registered on the HTTP server. One line per domain.
import { authRoutes } from '../auth/routes.ts';
import { ledgerRoutes } from '../ledger/routes.ts';
import { ledgerFor } from '../ledger/service.ts';
import { orgRoutes } from '../orgs/routes.ts';
import type { App } from '../platform/http/server.ts';
import type { AppContext } from './context.ts';

export async function registerDomainRoutes(app: App, ctx: AppContext): Promise<void> {
  await orgRoutes(app, ctx.orgs);
  await ledgerRoutes(app, ledgerFor(ctx));
  await authRoutes(app, ctx.auth, {
    secureCookies: ctx.config.secureCookies,
    ttlSeconds: ctx.config.sessionTtlSeconds,
  });
}
