// Commands of the advisories domain: import OSV files, directories and zip archives, import the
// CISA KEV catalogue, and compare versions in an ecosystem's own order (no database needed).
import { type CliCommand, rootActor } from '../cli/org-commands.ts';
import { type Flags, parseFlags, printJsonLines, readStdin, UsageError } from '../cli/args.ts';
import { readInput } from '../assets/cli.ts';
import { MAX_KEV_BYTES } from './import/index.ts';
import { CompareInputError, compareLines, UnknownEcosystemError } from './versions/index.ts';

const dataOf = (f: Flags) => (typeof f.data === 'string' ? f.data : undefined);

export const advisoryCommands: Record<string, CliCommand> = {
  'import osv': {
    usage: 'PATH... [--json] [--data DIR]',
    summary: 'Import OSV advisories from JSON files, directories and zip archives (e.g. all.zip).',
    async run(argv, open) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length === 0) throw new UsageError('give at least one file, directory or zip archive');
      const ctx = await open(dataOf(flags));
      const s = await ctx.advisories.importOsvPaths(await rootActor(ctx), positionals);
      if (flags.json) printJsonLines([s]);
      else
        process.stdout.write(
          `read ${s.read}: created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, withdrawn ${s.withdrawn}, ` +
            `failed ${s.failed.length}; exposures opened ${s.exposures.opened}, reopened ${s.exposures.reopened}, ` +
            `resolved ${s.exposures.resolved}, updated ${s.exposures.updated}\n`,
        );
      for (const f of s.failed) {
        process.stderr.write(`${f.source}: ${f.message}\n`);
        for (const e of f.errors.slice(0, 10))
          process.stderr.write(`  ${e.pointer || '(root)'}: ${e.detail}\n`);
      }
      return s.failed.length > 0 ? 1 : 0;
    },
  },

  'import kev': {
    usage: 'FILE [--json] [--data DIR]',
    summary:
      'Import the CISA Known Exploited Vulnerabilities catalogue (JSON); marks exposures and sets due dates.',
    async run(argv, open) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one KEV JSON file');
      const bytes = await readInput(positionals[0]!, MAX_KEV_BYTES);
      const ctx = await open(dataOf(flags));
      const s = await ctx.advisories.importKev(await rootActor(ctx), bytes);
      if (flags.json) printJsonLines([s]);
      else
        process.stdout.write(
          `KEV ${s.catalogVersion}: ${s.entries} entries, ${s.advisoriesMarked} advisories known exploited; ` +
            `exposures updated ${s.exposures.updated}\n`,
        );
      return 0;
    },
  },

  'versions compare': {
    usage: 'ECOSYSTEM < lines of "A B"',
    summary:
      "Print <, = or > for each line 'A B' on stdin, in the ecosystem's version order (npm, PyPI, Go, Maven …).",
    async run(argv) {
      const { positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one ecosystem, e.g. PyPI');
      try {
        process.stdout.write(compareLines(positionals[0]!, await readStdin()));
        return 0;
      } catch (err) {
        if (err instanceof UnknownEcosystemError) throw new UsageError(err.message);
        if (err instanceof CompareInputError) {
          process.stderr.write(`bulwark versions compare: ${err.message}\n`);
          return 1;
        }
        throw err;
      }
    },
  },
};
