// Commands of the incidents domain: the incident list (like the other lists, one JSON object a line
// with --json) and `deadlines`, the deadline engine on its own (no database), printing the same
// obligations the server computes.
import { localAdministrator, type OrgService } from '../orgs/index.ts';
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
import { computeObligations, GRADES, type Grade } from './deadlines.ts';
import { STATUSES } from './policy.ts';
import { REGIME_IDS, regimeById } from './regimes.ts';
import type { IncidentService } from './service.ts';
import { formatInZone, isTimeZone } from './zone.ts';

export interface IncidentCommandContext {
  incidents: IncidentService;
  orgs: Pick<OrgService, 'root'>;
}

export const incidentCommands: Record<string, CliCommand<IncidentCommandContext>> = {
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

  deadlines: {
    usage: '--regime R --aware ISO-TIME [--entity E] [--grade G] [--tz ZONE] [--json]',
    summary:
      'Print the statutory obligations of an incident as [{stage, due, recipient}] from the engine the server uses (no database).',
    database: false,
    async run(argv, io) {
      const { flags } = parseFlags(argv, {
        regime: { type: 'string' },
        aware: { type: 'string' },
        entity: { type: 'string' },
        grade: { type: 'string' },
        tz: { type: 'string' },
      });
      const regime = regimeById(oneOf('regime', requireFlag(flags, 'regime'), REGIME_IDS))!;
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
        io.out(`${regime.id}: a ${grade} incident of a ${entity} owes no report\n`);
      else printTable(io, obligations, ['stage', 'dueLocal', 'recipient', 'anchor']);
      return 0;
    },
  },
};
