// Commands of the incidents domain: the incident list (like the other lists, one JSON object a line
// with --json), `deadlines`, the deadline engine on its own (no database), printing the same
// obligations the server computes, and `incidents regimes`, the stored regimes and their versions.
import { readInputFile } from '../formats/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import { errors } from '../platform/errors.ts';
import {
  type CliCommand,
  oneOf,
  parseFlags,
  printJsonLines,
  printTable,
  requireFlag,
  stringFlag,
  UsageError,
} from '../platform/cli.ts';
import { computeObligations, GRADES, type Grade, type Regime } from './deadlines.ts';
import { STATUSES } from './policy.ts';
import { REGIME_IDS, regimeById } from './regimes.ts';
import type { IncidentService } from './service.ts';
import { formatInZone, isTimeZone } from './zone.ts';

export interface IncidentCommandContext {
  incidents: IncidentService;
  orgs: Pick<OrgService, 'root'>;
}

/**
 * Whether `deadlines` reads the stored regimes: when it is pointed at a database (--data DIR, or
 * DATABASE_URL, which the configuration reads too). Otherwise it needs none and computes from the
 * shipped version 1 of each regime.
 */
function storedRegimes(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--data' || a.startsWith('--data=')) || Boolean(process.env.DATABASE_URL);
}

/** A regime definition is a small JSON document; anything near this is a mistake. */
const MAX_REGIME_BYTES = 1024 * 1024;

export const incidentCommands: Record<string, CliCommand<IncidentCommandContext>> = {
  'incidents regimes list': {
    usage: '[--json] [--data DIR]',
    summary: 'List the reporting regimes: id, newest version, title, stages, who stored it and when.',
    database: true,
    async run(argv, io) {
      const { flags } = parseFlags(argv, {});
      const ctx = await io.open();
      const rows = (await ctx.incidents.regimeCatalogue.list()).map((r) => ({
        id: r.id,
        version: r.version,
        title: r.definition.title,
        stages: r.definition.stages.length,
        createdBy: r.createdBy,
        createdAt: r.createdAt,
      }));
      if (flags.json) printJsonLines(io, rows);
      else printTable(io, rows, ['id', 'version', 'title', 'stages', 'createdAt']);
      return 0;
    },
  },

  'incidents regimes show': {
    usage: 'ID [--version N] [--data DIR]',
    summary:
      "Print a regime's definition (its newest version, or --version N) as JSON, and its versions on stderr.",
    database: true,
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, { version: { type: 'string' } }, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one regime id');
      const v = stringFlag(flags, 'version');
      if (v !== undefined && !/^[1-9]\d{0,8}$/.test(v))
        throw new UsageError('--version must be a version number');
      const ctx = await io.open();
      const d = await ctx.incidents.regimeCatalogue.detail(positionals[0]!, v ? Number(v) : undefined);
      io.out(`${JSON.stringify(d.current.definition, null, 2)}\n`);
      io.err(
        `${d.current.id} version ${d.current.version} of ${d.versions.length}; ` +
          `versions: ${d.versions.map((x) => `${x.version} (${x.createdAt}, ${x.createdBy})`).join(', ')}\n`,
      );
      return 0;
    },
  },

  'incidents regimes set': {
    usage: 'FILE [--json] [--data DIR]',
    summary:
      'Store the regime in FILE (JSON, as `incidents regimes show` prints) as its next version, or as version 1 of a new one; validated and committed to the ledger.',
    database: true,
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one regime file');
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_REGIME_BYTES);
      let body: unknown;
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch (err) {
        throw errors.unprocessable(`The file is not JSON: ${(err as Error).message}`);
      }
      const ctx = await io.open();
      const catalogue = ctx.incidents.regimeCatalogue;
      const id = (body as { id?: unknown } | null)?.id;
      const known = typeof id === 'string' && (await catalogue.latest(id)) !== undefined;
      const admin = await localAdministrator(ctx.orgs);
      const r = known
        ? await catalogue.save(admin, body, 'update', id)
        : await catalogue.save(admin, body, 'create');
      if (flags.json) printJsonLines(io, [{ id: r.id, version: r.version, receipt: r.receipt.href }]);
      else io.out(`${r.id}: stored as version ${r.version} (ledger receipt ${r.receipt.href})\n`);
      return 0;
    },
  },

  incidents: {
    usage: '[--status S[,S]] [--overdue] [--exercise|--no-exercise] [--json] [--data DIR]',
    summary:
      'List incidents, the earliest open deadline first (org, grade, status, next deadline, overdue, drill).',
    database: true,
    async run(argv, io) {
      const { flags } = parseFlags(argv, {
        status: { type: 'string' },
        overdue: { type: 'boolean' },
        exercise: { type: 'boolean' },
        'no-exercise': { type: 'boolean' },
      });
      const status = stringFlag(flags, 'status');
      for (const s of status?.split(',') ?? []) oneOf('status', s, STATUSES);
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs);
      const out: Record<string, unknown>[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = await ctx.incidents.list(actor, {
          status,
          overdue: flags.overdue === true ? true : undefined,
          exercise: flags.exercise ? true : flags['no-exercise'] ? false : undefined,
          limit: 500,
          offset,
        });
        for (const i of page.items)
          out.push({
            id: i.id,
            org: i.org,
            orgName: i.orgName,
            title: i.title,
            category: i.category,
            grade: i.grade,
            status: i.status,
            regime: i.regime,
            exercise: i.exercise,
            awareAt: i.awareAt,
            nextDue: i.nextDue,
            overdue: i.overdue,
            escalated: i.escalated,
          });
        if (page.items.length < 500) break;
      }
      if (flags.json) printJsonLines(io, out);
      else
        printTable(
          io,
          out.map((r) => ({ ...r, drill: r.exercise ? 'DRILL' : '', overdue: r.overdue ? 'OVERDUE' : '' })),
          ['orgName', 'title', 'grade', 'status', 'nextDue', 'overdue', 'drill'],
        );
      return 0;
    },
  },

  'incidents request': {
    usage: '--id ID --stage STAGE [--note TEXT] [--json] [--data DIR]',
    summary:
      "Request a stage's report owed on request (eu-nis2 `intermediate`, NIS2 art. 23(4)(c)) as the coordination centre's local administrator: its deadline starts (the stage's delay after now).",
    database: true,
    async run(argv, io) {
      const { flags } = parseFlags(argv, {
        id: { type: 'string' },
        stage: { type: 'string' },
        note: { type: 'string' },
      });
      const id = requireFlag(flags, 'id');
      const stage = requireFlag(flags, 'stage');
      const note = stringFlag(flags, 'note');
      const ctx = await io.open();
      const admin = await localAdministrator(ctx.orgs);
      const i = await ctx.incidents.requestReport(admin, id, { stage, ...(note ? { note } : {}) });
      const o = i.obligations.find((x) => x.stage === stage)!;
      if (flags.json)
        printJsonLines(io, [
          { id: i.id, stage, requestedAt: o.requestedAt, due: o.due, recipient: o.recipient },
        ]);
      else io.out(`${i.id}: ${o.title} requested at ${o.requestedAt}, due ${o.dueLocal}\n`);
      return 0;
    },
  },

  deadlines: {
    usage: '--regime R --aware ISO-TIME [--entity E] [--grade G] [--tz ZONE] [--json] [--data DIR]',
    summary:
      'Print the statutory obligations of an incident as [{stage, due, recipient}] from the engine the server uses: with the newest stored version of the regime when a database is given (--data DIR, or DATABASE_URL), else the shipped version 1 without a database.',
    database: (argv) => storedRegimes(argv),
    async run(argv, io) {
      const { flags } = parseFlags(argv, {
        regime: { type: 'string' },
        aware: { type: 'string' },
        entity: { type: 'string' },
        grade: { type: 'string' },
        tz: { type: 'string' },
      });
      const id = requireFlag(flags, 'regime');
      let regime: Regime;
      if (storedRegimes(argv)) {
        // The regime as the server would file under it now: the newest stored version (an
        // administrator may have edited it, or added a regime the shipped list does not have).
        const ctx = await io.open();
        const stored = await ctx.incidents.regimeCatalogue.latest(id);
        if (!stored) {
          const known = (await ctx.incidents.regimeCatalogue.list()).map((r) => r.id);
          throw new UsageError(`--regime must be one of ${known.join(', ')}`);
        }
        regime = stored;
      } else regime = regimeById(oneOf('regime', id, REGIME_IDS))!;
      const awareText = requireFlag(flags, 'aware');
      const aware = new Date(awareText);
      if (
        Number.isNaN(aware.getTime()) ||
        !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(awareText)
      )
        throw new UsageError(
          '--aware must be an ISO 8601 date-time with a zone, e.g. 2025-11-03T14:00:00+08:00',
        );
      const entity = oneOf('entity', stringFlag(flags, 'entity') ?? regime.entities[0]!, regime.entities);
      const grade = oneOf('grade', stringFlag(flags, 'grade') ?? 'major', GRADES) as Grade;
      const tz = stringFlag(flags, 'tz') ?? 'UTC';
      if (!isTimeZone(tz)) throw new UsageError(`--tz: unknown time zone ${tz}`);
      const obligations = computeObligations({ regime, entity, grade, timeZone: tz, events: { aware } }).map(
        (o) => ({
          stage: o.stage,
          due: o.due?.toISOString() ?? null,
          recipient: o.recipient,
          dueLocal: o.due ? formatInZone(o.due, tz) : null,
          title: o.title,
          anchor: o.anchor,
        }),
      );
      if (flags.json)
        io.out(
          `${JSON.stringify(obligations.map(({ stage, due, recipient }) => ({ stage, due, recipient })))}\n`,
        );
      else if (obligations.length === 0)
        io.out(`${regime.id} v${regime.version}: a ${grade} incident of a ${entity} owes no report\n`);
      else printTable(io, obligations, ['stage', 'dueLocal', 'recipient', 'anchor']);
      return 0;
    },
  },
};
