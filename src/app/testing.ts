// Test support for API and browser suites: a real server on a loopback port over a chosen
// database, seeded with the demo federation, plus helpers to sign in and mint tokens.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DemoCredentials, seedDemoIfEmpty, systemActor } from '../orgs/index.ts';
import { seedDemo } from './demo.ts';
import type { Role } from '../access/index.ts';
import { loadConfig } from '../platform/config.ts';
import type { Database } from '../platform/db/types.ts';
import type { App } from '../platform/http/server.ts';
import { type AppContext, createContext, startWorkers } from './context.ts';
import { buildApp } from './server.ts';

export interface TestServer {
  url: string;
  app: App;
  ctx: AppContext;
  creds: DemoCredentials[];
  /** Organization ids of the demo federation by display name. */
  orgId(name: string): string;
  /** A bearer token for an organization and role. */
  token(orgId: string, role: Role): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real server on a loopback port. The database gets the demo federation (organizations and
 * users); `demoRecords` also runs the domains' demo seeders (incidents, indicators, assets …),
 * which suites that count records leave off.
 */
export async function startTestServer(
  db: Database,
  env: Record<string, string> = {},
  opts: { demoRecords?: boolean } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bulwark-test-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }, { dataDir, port: '0' });
  const ctx = await createContext(config, { db });
  const creds =
    (opts.demoRecords
      ? await seedDemo(ctx, () => undefined)
      : await seedDemoIfEmpty(ctx.db, ctx.orgs, dataDir, () => undefined)) ?? [];
  await startWorkers(ctx);
  const app = await buildApp(ctx);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const root = (await ctx.orgs.root())!;
  const all = await ctx.orgs.listOrgs(systemActor(root));
  return {
    url: address,
    app,
    ctx,
    creds,
    orgId(name) {
      const o = all.find((x) => x.name === name || x.name === `${name} (demo)`);
      if (!o) throw new Error(`no demo organization named ${name}`);
      return o.id;
    },
    async token(orgId, role) {
      const { token } = await ctx.auth.createToken(systemActor(root), {
        name: `test ${role}`,
        org: orgId,
        role,
      });
      return token;
    },
    async close() {
      await app.close();
      await ctx.close();
    },
  };
}
