// Commands of the public reporting domain: `public xarf` prints the X-ARF v4 reports of the
// confirmed URLs and domains (one JSON report a line, for an abuse desk's mailbox or API), as the
// local administrator. Observables and counts only: no reporter data, no attachments.
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import { type CliCommand, parseFlags, stringFlag, UsageError } from '../platform/cli.ts';
import type { PublicService } from './service.ts';

export interface PublicCommandContext {
  publicReports: PublicService;
  orgs: Pick<OrgService, 'root' | 'orgRef'>;
}

export const publicCommands: Record<string, CliCommand<PublicCommandContext>> = {
  'public xarf': {
    usage: '[--since ISO-DATE] [--limit N] [--data DIR]',
    summary:
      'X-ARF v4 reports (one JSON a line) of the confirmed URLs and domains from public reports, for abuse desks.',
    database: true,
    async run(argv, io) {
      const { flags } = parseFlags(argv, { since: { type: 'string' }, limit: { type: 'string' } });
      const since = stringFlag(flags, 'since');
      if (since !== undefined && Number.isNaN(Date.parse(since)))
        throw new UsageError(`--since must be an ISO 8601 date or date-time, not '${since}'`);
      const limitText = stringFlag(flags, 'limit');
      const limit = limitText === undefined ? 10_000 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
        throw new UsageError('--limit must be an integer from 1 to 100000');
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs as OrgService);
      const reports = await ctx.publicReports.xarf(actor, {
        ...(since ? { since: new Date(since).toISOString() } : {}),
        limit,
      });
      for (const r of reports) io.out(`${JSON.stringify(r)}\n`);
      if (!flags.json) io.err(`${reports.length} X-ARF report${reports.length === 1 ? '' : 's'}\n`);
      return 0;
    },
  },
};
