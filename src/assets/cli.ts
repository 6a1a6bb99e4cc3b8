// Commands of the assets domain: import an SBOM for an asset (created when missing) and list
// assets. They act as the local system administrator, through the same service as the API.
import { ImportError, readFileWithLimit } from '../advisories/import/index.ts';
import { problemOf } from '../advisories/problems.ts';
import { type CliCommand, rootActor } from '../cli/org-commands.ts';
import { type Flags, parseFlags, printJsonLines, printTable, requireFlag, UsageError } from '../cli/args.ts';
import { CRITICALITIES, type Criticality } from './schema.ts';
import { MAX_SBOM_BYTES } from './sbom/index.ts';

const dataOf = (f: Flags) => (typeof f.data === 'string' ? f.data : undefined);

/** Reads an input file, mapping size and I/O problems to the error catalogue. */
export async function readInput(path: string, limit: number): Promise<Buffer> {
  try {
    return await readFileWithLimit(path, limit);
  } catch (err) {
    if (err instanceof ImportError) throw problemOf(err, limit);
    throw err;
  }
}

export const assetCommands: Record<string, CliCommand> = {
  'import sbom': {
    usage: 'FILE --asset NAME [--org ID] [--criticality low|medium|high|critical] [--json] [--data DIR]',
    summary: 'Import a CycloneDX or SPDX JSON SBOM as the new version of an asset (created when missing).',
    async run(argv, open) {
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
      const bytes = await readInput(positionals[0]!, MAX_SBOM_BYTES);
      const ctx = await open(dataOf(flags));
      const r = await ctx.assets.importSbom(
        await rootActor(ctx),
        {
          name,
          org: typeof flags.org === 'string' ? flags.org : undefined,
          create: criticality ? { criticality: criticality as Criticality } : {},
        },
        bytes,
      );
      if (flags.json) printJsonLines([r]);
      else
        process.stdout.write(
          `asset ${r.asset.name} (${r.asset.id}): SBOM version ${r.sbom.seq}, ${r.sbom.componentCount} components; ` +
            `exposures opened ${r.exposures.opened}, reopened ${r.exposures.reopened}, resolved ${r.exposures.resolved}, ` +
            `active ${r.exposures.open}\n`,
        );
      for (const w of r.sbom.warnings) process.stderr.write(`warning: ${w.pointer}: ${w.message}\n`);
      return 0;
    },
  },

  assets: {
    usage: '[--org ID] [--json] [--data DIR]',
    summary: 'List assets (id, name, org, criticality, current SBOM).',
    async run(argv, open) {
      const { flags } = parseFlags(argv, { org: { type: 'string' } });
      const ctx = await open(dataOf(flags));
      const actor = await rootActor(ctx);
      const all = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await ctx.assets.list(actor, {
          org: typeof flags.org === 'string' ? flags.org : undefined,
          limit: 1000,
          offset,
        });
        all.push(...page.items);
        if (page.items.length < 1000) break;
      }
      if (flags.json) printJsonLines(all);
      else printTable(all, ['id', 'name', 'org', 'criticality', 'currentSbom']);
      return 0;
    },
  },
};
