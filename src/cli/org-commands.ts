// Commands for the organization tree, users, tokens and the schema. They act as the local
// system administrator (whoever can reach the database can change it anyway) but go through the
// same services, validation and ledger commitments as the API.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/context.ts';
import { systemActor } from '../orgs/demo.ts';
import { type Actor, ORG_KINDS, type OrgKind, ROLES, type Role } from '../access/index.ts';
import { migrate } from '../platform/db/migrate.ts';
import { errors } from '../platform/errors.ts';
import { type Flags, parseFlags, printJsonLines, printTable, requireFlag, UsageError } from './args.ts';

export interface CliCommand {
  usage: string;
  summary: string;
  /** `open` builds the application context for the --data directory (or DATABASE_URL). */
  run(argv: string[], open: (dataDir?: string) => Promise<AppContext>): Promise<number>;
}

const dataOf = (f: Flags) => (typeof f.data === 'string' ? f.data : undefined);

export async function rootActor(ctx: AppContext): Promise<Actor> {
  const root = await ctx.orgs.root();
  if (!root)
    throw errors.conflict(
      'The database has no organizations yet: run `bulwark serve` once (it creates the demo federation) or `bulwark org create --root`.',
    );
  return systemActor(root);
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export const orgCommands: Record<string, CliCommand> = {
  migrate: {
    usage: '[--data DIR]',
    summary: 'Apply pending database migrations (serve does this too).',
    async run(argv, open) {
      const { flags } = parseFlags(argv, {});
      const ctx = await open(dataOf(flags));
      const applied = await migrate(ctx.db);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      return 0;
    },
  },

  'org list': {
    usage: '[--json] [--data DIR]',
    summary: 'List every organization (id, name, kind, parent, region, sector, critical).',
    async run(argv, open) {
      const { flags } = parseFlags(argv, {});
      const ctx = await open(dataOf(flags));
      const list = await ctx.orgs.listOrgs(await rootActor(ctx));
      if (flags.json) printJsonLines(list);
      else
        printTable(
          list.map((o) => ({ ...o, name: `${'  '.repeat(o.depth)}${o.name}` })),
          ['id', 'kind', 'region', 'sector', 'name'],
        );
      return 0;
    },
  },

  'org create': {
    usage:
      '--name NAME (--root --region R | --kind KIND --parent ID --region R [--sector S] [--critical]) [--json]',
    summary: 'Create an organization under a parent (or the coordination centre of an empty database).',
    async run(argv, open) {
      const { flags } = parseFlags(argv, {
        name: { type: 'string' },
        kind: { type: 'string' },
        parent: { type: 'string' },
        region: { type: 'string' },
        sector: { type: 'string' },
        critical: { type: 'boolean' },
        root: { type: 'boolean' },
      });
      const name = requireFlag(flags, 'name');
      const region = requireFlag(flags, 'region');
      const ctx = await open(dataOf(flags));
      const org = flags.root
        ? await ctx.orgs.createRoot({ name, region })
        : await ctx.orgs.createOrg(await rootActor(ctx), {
            name,
            region,
            kind: oneOf(
              'kind',
              requireFlag(flags, 'kind'),
              ORG_KINDS.filter((k) => k !== 'coordination-centre'),
            ) as Exclude<OrgKind, 'coordination-centre'>,
            parent: requireFlag(flags, 'parent'),
            sector: typeof flags.sector === 'string' ? flags.sector : undefined,
            critical: flags.critical === true,
          });
      if (flags.json) printJsonLines([org]);
      else process.stdout.write(`${org.id}\n`);
      return 0;
    },
  },

  'user create': {
    usage: '--username U --name NAME --org ID --role ROLE[,ROLE] [--password P] [--json]',
    summary: 'Create a user; without --password a random one is generated and printed.',
    async run(argv, open) {
      const { flags } = parseFlags(argv, {
        username: { type: 'string' },
        name: { type: 'string' },
        org: { type: 'string' },
        role: { type: 'string' },
        password: { type: 'string' },
      });
      const roles = requireFlag(flags, 'role')
        .split(',')
        .map((r) => oneOf('role', r.trim(), ROLES) as Role);
      const password =
        typeof flags.password === 'string' ? flags.password : randomBytes(12).toString('base64url');
      const ctx = await open(dataOf(flags));
      const user = await ctx.orgs.createUser(await rootActor(ctx), {
        username: requireFlag(flags, 'username'),
        name: requireFlag(flags, 'name'),
        org: requireFlag(flags, 'org'),
        roles,
        password,
      });
      if (flags.json) printJsonLines([{ ...user, ...(flags.password ? {} : { password }) }]);
      else process.stdout.write(`${user.id}${flags.password ? '' : `\npassword: ${password}`}\n`);
      return 0;
    },
  },

  'token create': {
    usage: '--role ROLE [--org ID] [--name NAME] [--days N] [--json]',
    summary:
      'Issue an API bearer token (without --org: for the coordination centre); the token is the last line.',
    async run(argv, open) {
      const { flags } = parseFlags(argv, {
        role: { type: 'string' },
        org: { type: 'string' },
        name: { type: 'string' },
        days: { type: 'string' },
      });
      const role = oneOf('role', requireFlag(flags, 'role'), ROLES);
      const days = flags.days === undefined ? 90 : Number(flags.days);
      if (!Number.isInteger(days) || days < 1 || days > 366)
        throw new UsageError('--days must be a whole number from 1 to 366');
      const ctx = await open(dataOf(flags));
      const actor = await rootActor(ctx);
      const { token, meta } = await ctx.auth.createToken(actor, {
        name: typeof flags.name === 'string' ? flags.name : `cli ${role}`,
        org: typeof flags.org === 'string' ? flags.org : actor.org.id,
        role,
        expiresInDays: days,
      });
      if (flags.json) printJsonLines([meta]);
      else
        process.stdout.write(
          `token ${meta.id} for org ${meta.org}, role ${meta.role}, expires ${meta.expiresAt}\n`,
        );
      process.stdout.write(`${token}\n`);
      return 0;
    },
  },
};
