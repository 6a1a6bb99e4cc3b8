// Every domain's routes, registered on the HTTP server. One line per domain.
import { advisoryRoutes } from '../advisories/index.ts';
import { assetRoutes } from '../assets/index.ts';
import { authRoutes } from '../auth/index.ts';
import { Exposure, exposureRoutes } from '../exposures/index.ts';
import { incidentRoutes } from '../incidents/index.ts';
import { intelRoutes } from '../intel/index.ts';
import { ledgerRoutes } from '../ledger/index.ts';
import { metricsRoutes } from '../metrics/index.ts';
import { notifyRoutes } from '../notify/index.ts';
import { orgRoutes } from '../orgs/index.ts';
import { publicRoutes } from '../public/index.ts';
import type { App } from '../platform/http/server.ts';
import type { AppContext } from './context.ts';

/** The public report page, built beside the console (console/report.html). */
const REPORT_PAGE = new URL('../../dist/console/report.html', import.meta.url).pathname;

export async function registerDomainRoutes(app: App, ctx: AppContext): Promise<void> {
  await orgRoutes(app, ctx.orgs);
  await ledgerRoutes(app, ctx.ledger);
  await assetRoutes(app, ctx.assets);
  await advisoryRoutes(app, ctx.advisories, Exposure);
  await exposureRoutes(app, ctx.exposures);
  await intelRoutes(app, ctx.intel, ctx.intelFeeds, ctx.intelLinks);
  await incidentRoutes(app, ctx.incidents);
  await metricsRoutes(app, ctx.metrics);
  await notifyRoutes(app, ctx.notify);
  await publicRoutes(app, ctx.publicReports, { pageFile: REPORT_PAGE });
  await authRoutes(app, ctx.auth, {
    secureCookies: ctx.config.secureCookies,
    ttlSeconds: ctx.config.sessionTtlSeconds,
  });
}
