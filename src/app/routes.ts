// Every domain's routes, registered on the HTTP server. One line per domain.
import { advisoryRoutes } from '../advisories/routes.ts';
import { assetRoutes } from '../assets/routes.ts';
import { authRoutes } from '../auth/routes.ts';
import { exposureRoutes } from '../exposures/routes.ts';
import { ledgerRoutes } from '../ledger/routes.ts';
import { orgRoutes } from '../orgs/routes.ts';
import type { App } from '../platform/http/server.ts';
import type { AppContext } from './context.ts';

export async function registerDomainRoutes(app: App, ctx: AppContext): Promise<void> {
  await orgRoutes(app, ctx.orgs);
  await ledgerRoutes(app, ctx.ledger);
  await assetRoutes(app, ctx.assets);
  await advisoryRoutes(app, ctx.advisories);
  await exposureRoutes(app, ctx.exposures);
  await authRoutes(app, ctx.auth, {
    secureCookies: ctx.config.secureCookies,
    ttlSeconds: ctx.config.sessionTtlSeconds,
  });
}
