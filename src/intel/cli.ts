// Commands of the intel domain: import a STIX 2.1 bundle (or a lone object, or an array) into a collection and export a collection
// as a bundle. They act as the local system administrator, through the same service as the API
// (validation, TLP, ledger commitments, the access log).
import { ImportError, parseJsonInput, problemOf, readInputFile } from '../formats/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import {
  type CliCommand,
  parseFlags,
  printJsonLines,
  requireFlag,
  stringFlag,
  UsageError,
} from '../platform/cli.ts';
import type { IntelService } from './service.ts';

/** The largest bundle file the command reads. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export interface IntelCommandContext {
  intel: IntelService;
  orgs: Pick<OrgService, 'root'>;
}

export const intelCommands: Record<string, CliCommand<IntelCommandContext>> = {
  'import stix': {
    usage: 'FILE [--org ID] [--collection ID] [--json] [--data DIR]',
    database: true,
    summary:
      "Import a STIX 2.1 bundle, a single STIX object or a JSON array of objects into a collection (default: the organization's own; the coordination centre's when no --org).",
    async run(argv, io) {
      const { flags, positionals } = parseFlags(
        argv,
        { org: { type: 'string' }, collection: { type: 'string' } },
        true,
      );
      if (positionals.length !== 1)
        throw new UsageError('give exactly one STIX file (a bundle, an object or an array of objects)');
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_BUNDLE_BYTES);
      let bundle: unknown;
      try {
        bundle = parseJsonInput(bytes, MAX_BUNDLE_BYTES, 'The STIX file');
      } catch (err) {
        if (err instanceof ImportError) throw problemOf(err, MAX_BUNDLE_BYTES);
        throw err;
      }
      const ctx = await io.open();
      const r = await ctx.intel.importBundle(await localAdministrator(ctx.orgs), bundle, {
        org: stringFlag(flags, 'org'),
        collection: stringFlag(flags, 'collection'),
      });
      if (flags.json) printJsonLines(io, [r]);
      else
        io.out(
          `collection ${r.collection}: ${r.success} of ${r.total} objects accepted, ${r.failure} refused (status ${r.statusId})\n`,
        );
      for (const o of r.outcomes)
        if (o.status === 'failure') io.err(`refused ${o.id || '(no id)'}: ${o.message}\n`);
      for (const w of r.warnings) io.err(`warning: ${w}\n`);
      return r.failure > 0 ? 1 : 0;
    },
  },

  'export stix': {
    usage: '--collection ID [--data DIR] > bundle.json',
    database: true,
    summary: 'Print every object version of a collection as a STIX 2.1 bundle (TLP 1.0 markings as 2.0).',
    async run(argv, io) {
      const { flags } = parseFlags(argv, { collection: { type: 'string' } });
      const collection = requireFlag(flags, 'collection');
      const ctx = await io.open();
      const bundle = await ctx.intel.exportBundle(await localAdministrator(ctx.orgs), collection);
      io.out(`${JSON.stringify(bundle, null, 2)}\n`);
      return 0;
    },
  },
};
