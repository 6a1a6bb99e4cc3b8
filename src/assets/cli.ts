// Commands of the assets domain: import an SBOM for an asset (created when missing) and list
// assets. They act as the local system administrator, through the same service as the API.
import { readInputFile } from '../formats/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import {
  type CliCommand,
  parseFlags,
  printJsonLines,
  printTable,
  requireFlag,
  stringFlag,
  UsageError,
} from '../platform/cli.ts';
import { CRITICALITIES, type Criticality } from './schema.ts';
import { MAX_SBOM_BYTES } from './sbom/index.ts';
import type { AssetService } from './service.ts';

export interface AssetCommandContext {
  assets: AssetService;
  orgs: Pick<OrgService, 'root'>;
}

export const assetCommands: Record<string, CliCommand<AssetCommandContext>> = {
  'import sbom': {
    usage: 'FILE --asset NAME [--org ID] [--criticality low|medium|high|critical] [--json] [--data DIR]',
    database: true,
    summary: 'Import a CycloneDX or SPDX JSON SBOM as the new version of an asset (created when missing).',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(
        argv,
        { asset: { type: 'string' }, org: { type: 'string' }, criticality: { type: 'string' } },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('give exactly one SBOM file');
      const name = requireFlag(flags, 'asset');
      const criticality = flags.criticality;
      if (criticality !== undefined && !CRITICALITIES.includes(criticality as Criticality))
        throw new UsageError(`--criticality must be one of ${CRITICALITIES.join(', ')}`);
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_SBOM_BYTES);
      const ctx = await io.open();
      const r = await ctx.assets.importSbom(
        await localAdministrator(ctx.orgs),
        {
          name,
          org: stringFlag(flags, 'org'),
          create: criticality ? { criticality: criticality as Criticality } : {},
        },
        bytes,
      );
      if (flags.json) printJsonLines(io, [r]);
      else
        io.out(
          `asset ${r.asset.name} (${r.asset.id}): SBOM version ${r.sbom.seq}, ${r.sbom.componentCount} components; ` +
            `exposures opened ${r.exposures.opened}, reopened ${r.exposures.reopened}, resolved ${r.exposures.resolved}, ` +
            `active ${r.exposures.open}\n`,
        );
      for (const w of r.sbom.warnings) io.err(`warning: ${w.pointer}: ${w.message}\n`);
      return 0;
    },
  },

  assets: {
    usage: '[--org ID] [--json] [--data DIR]',
    database: true,
    summary: 'List assets (id, name, org, criticality, current SBOM).',
    async run(argv, io) {
      const { flags } = parseFlags(argv, { org: { type: 'string' } });
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs);
      const all = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await ctx.assets.list(actor, {
          org: stringFlag(flags, 'org'),
          limit: 1000,
          offset,
        });
        all.push(...page.items);
        if (page.items.length < 1000) break;
      }
      if (flags.json) printJsonLines(io, all);
      else printTable(io, all, ['id', 'name', 'org', 'criticality', 'currentSbom']);
      return 0;
    },
  },
};
