// The demo federation of a first start: the organizations and users (src/orgs), then what each
// domain contributes to make the console worth looking at (labelled demo records). A domain adds
// its seeder to DEMO_SEEDERS; each runs once, right after the federation is created, as the
// local administrator, through the domain's own service.
import { type DemoCredentials, localAdministrator, seedDemoIfEmpty } from '../orgs/index.ts';
import type { Actor } from '../access/index.ts';
import { seedExposureDemo } from '../exposures/index.ts';
import { seedIncidentDemo } from '../incidents/index.ts';
import { seedPublicDemo } from '../public/index.ts';
import { seedIntelDemo } from '../intel/index.ts';
import { seedMetricsDemo } from '../metrics/index.ts';
import type { AppContext } from './context.ts';

/** What a domain's demo seeder gets: the context, the centre's administrator, the orgs by demo name. */
export interface DemoSeedInput {
  ctx: AppContext;
  actor: Actor;
  orgByName: (name: string) => string;
  print: (line: string) => void;
}

export type DemoSeeder = (input: DemoSeedInput) => Promise<void>;

/** One line per domain that ships demo records. */
const DEMO_SEEDERS: DemoSeeder[] = [
  ({ ctx, actor, orgByName, print }) =>
    seedExposureDemo({ assets: ctx.assets, advisories: ctx.advisories, actor, orgByName, print }),
  ({ ctx, actor, orgByName, print }) =>
    seedIncidentDemo({ incidents: ctx.incidents, actor, orgByName, print }),
  ({ ctx, print }) => seedPublicDemo({ publicReports: ctx.publicReports, print }),
  ({ ctx, actor, orgByName, print }) =>
    seedIntelDemo({ intel: ctx.intel, orgRef: (id) => ctx.orgs.orgRef(id), actor, orgByName, print }),
  ({ ctx, actor, print }) => seedMetricsDemo({ metrics: ctx.metrics, actor, print }),
];

/** Seeds an empty database with the demo federation and the domains' demo records. */
export async function seedDemo(
  ctx: AppContext,
  print: (line: string) => void,
): Promise<DemoCredentials[] | null> {
  const creds = await seedDemoIfEmpty(ctx.db, ctx.orgs, ctx.config.dataDir, print);
  if (!creds) return null;
  const actor = await localAdministrator(ctx.orgs);
  const orgs = await ctx.orgs.listOrgs(actor);
  const orgByName = (name: string) => {
    const o = orgs.find((x) => x.name === name);
    if (!o) throw new Error(`no demo organization named ${name}`);
    return o.id;
  };
  for (const seed of DEMO_SEEDERS) await seed({ ctx, actor, orgByName, print });
  return creds;
}
