// Commands for the organization tree, users, tokens and the schema. They act as the local
// system administrator (see localAdministrator) through the same services, validation and
// ledger commitments as the API.
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../app/index.ts';
import { ORG_KINDS, type OrgKind, ROLES, type Role } from '../access/index.ts';
import { localAdministrator } from '../orgs/index.ts';
import {
  type CliCommand,
  oneOf,
  parseFlags,
  printJsonLines,
  printTable,
  requireFlag,
  UsageError,
} from '../platform/cli.ts';
import { migrate } from '../platform/db/migrate.ts';

export const orgCommands: Record<string, CliCommand<AppContext>> = {
  migrate: {
    usage: '[--data DIR]',
    database: true,
    summary: 'Apply pending database migrations (serve does this too).',
    async run(argv, io) {
      parseFlags(argv, {});
      const ctx = await io.open();
      const applied = await migrate(ctx.db);
      io.out(applied.length ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
      return 0;
    },
  },

  'org list': {
    usage: '[--json] [--data DIR]',
    database: true,
    summary: 'List every organization (id, name, kind, parent, region, sector, critical).',
    async run(argv, io) {
      const { flags } = parseFlags(argv, {});
      const ctx = await io.open();
      const list = await ctx.orgs.listOrgs(await localAdministrator(ctx.orgs));
      if (flags.json) printJsonLines(io, list);
      else
        printTable(
          io,
          list.map((o) => ({ ...o, name: `${'  '.repeat(o.depth)}${o.name}` })),
          ['id', 'kind', 'region', 'sector', 'name'],
        );
      return 0;
    },
  },

  'org create': {
    usage:
      '--name NAME (--root --region R | --kind KIND --parent ID --region R [--sector S] [--critical]) [--json]',
    database: true,
    summary: 'Create an organization under a parent (or the coordination centre of an empty database).',
    async run(argv, io) {
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
      const ctx = await io.open();
      const org = flags.root
        ? await ctx.orgs.createRoot({ name, region })
        : await ctx.orgs.createOrg(await localAdministrator(ctx.orgs), {
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
      if (flags.json) printJsonLines(io, [org]);
      else io.out(`${org.id}\n`);
      return 0;
    },
  },

  'user create': {
    usage: '--username U --name NAME --org ID --role ROLE[,ROLE] [--password P] [--json]',
    database: true,
    summary: 'Create a user; without --password a random one is generated and printed.',
    async run(argv, io) {
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
      const ctx = await io.open();
      const user = await ctx.orgs.createUser(await localAdministrator(ctx.orgs), {
        username: requireFlag(flags, 'username'),
        name: requireFlag(flags, 'name'),
        org: requireFlag(flags, 'org'),
        roles,
        password,
      });
      if (flags.json) printJsonLines(io, [{ ...user, ...(flags.password ? {} : { password }) }]);
      else io.out(`${user.id}${flags.password ? '' : `\npassword: ${password}`}\n`);
      return 0;
    },
  },

  'user unlock': {
    usage: '--username U',
    database: true,
    summary:
      'End the sign-in delays of an account (after failed attempts), from every address; the owner can sign in at once.',
    async run(argv, io) {
      const { flags } = parseFlags(argv, { username: { type: 'string' } });
      const username = requireFlag(flags, 'username');
      const ctx = await io.open();
      const cleared = await ctx.auth.unlockUsername(username);
      io.out(
        cleared > 0
          ? `${username}: sign-in delays cleared\n`
          : `${username}: no sign-in delays were in force\n`,
      );
      return 0;
    },
  },

  'token create': {
    usage: '--role ROLE [--org ID] [--name NAME] [--days N] [--json]',
    database: true,
    summary:
      'Issue an API bearer token (without --org: for the coordination centre); the token is the last line.',
    async run(argv, io) {
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
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs);
      const { token, meta } = await ctx.auth.createToken(actor, {
        name: typeof flags.name === 'string' ? flags.name : `cli ${role}`,
        org: typeof flags.org === 'string' ? flags.org : actor.org.id,
        role,
        expiresInDays: days,
      });
      if (flags.json) printJsonLines(io, [meta]);
      else io.out(`token ${meta.id} for org ${meta.org}, role ${meta.role}, expires ${meta.expiresAt}\n`);
      io.out(`${token}\n`);
      return 0;
    },
  },
};
