// Commands of the advisories domain: import OSV files, directories and zip archives, import the
// CISA KEV catalogue and FIRST EPSS scores, and compare versions in an ecosystem's own order (no database needed).
import { basename } from 'node:path';
import { readInputFile } from '../formats/index.ts';
import { compareLines, UnknownEcosystemError } from '../formats/versions/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import { type CliCommand, parseFlags, printJsonLines, UsageError } from '../platform/cli.ts';
import { MAX_CSAF_BYTES, MAX_EPSS_UPLOAD_BYTES, MAX_KEV_BYTES } from './import/index.ts';
import type { AdvisoryService } from './service.ts';

export interface AdvisoryCommandContext {
  advisories: AdvisoryService;
  orgs: Pick<OrgService, 'root'>;
}

export const advisoryCommands: Record<string, CliCommand<AdvisoryCommandContext>> = {
  'import osv': {
    usage: 'PATH... [--take-over] [--json] [--data DIR]',
    database: true,
    summary:
      "Import OSV advisories from JSON files, directories and zip archives (e.g. all.zip), as the coordination centre; --take-over takes another source's advisories over.",
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, { 'take-over': { type: 'boolean' } }, true);
      if (positionals.length === 0) throw new UsageError('give at least one file, directory or zip archive');
      const ctx = await io.open();
      const s = await ctx.advisories.importOsvPaths(
        await localAdministrator(ctx.orgs),
        positionals.map((p) => io.path(p)),
        {},
        { channel: 'cli', takeOver: flags['take-over'] === true },
      );
      if (flags.json) printJsonLines(io, [s]);
      else
        io.out(
          `read ${s.read}: created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, withdrawn ${s.withdrawn}, ` +
            `failed ${s.failed.length}; exposures opened ${s.exposures.opened}, reopened ${s.exposures.reopened}, ` +
            `resolved ${s.exposures.resolved}, updated ${s.exposures.updated}\n`,
        );
      for (const f of s.failed) {
        io.err(`${f.source}: ${f.message}\n`);
        for (const e of f.errors.slice(0, 10)) io.err(`  ${e.pointer || '(the document)'}: ${e.detail}\n`);
      }
      return s.failed.length > 0 ? 1 : 0;
    },
  },

  'import kev': {
    usage: 'FILE [--json] [--data DIR]',
    database: true,
    summary:
      'Import the CISA Known Exploited Vulnerabilities catalogue (JSON); marks exposures and sets due dates.',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one KEV JSON file');
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_KEV_BYTES);
      const ctx = await io.open();
      const s = await ctx.advisories.importKev(await localAdministrator(ctx.orgs), bytes);
      if (flags.json) printJsonLines(io, [s]);
      else
        io.out(
          `KEV ${s.catalogVersion}: ${s.entries} entries, ${s.advisoriesMarked} advisories known exploited; ` +
            `exposures updated ${s.exposures.updated}\n`,
        );
      return 0;
    },
  },

  'import csaf': {
    usage: 'FILE [--json] [--data DIR]',
    database: true,
    summary:
      "Import a vendor's CSAF 2.0 advisory (validated by the JSON schema and every mandatory test): one advisory per vulnerability, matched onto components by the products' purls.",
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one CSAF JSON file');
      const file = io.path(positionals[0]!);
      const bytes = await readInputFile(file, MAX_CSAF_BYTES);
      const ctx = await io.open();
      const s = await ctx.advisories.importCsaf(
        await localAdministrator(ctx.orgs),
        bytes,
        { channel: 'cli' },
        basename(file),
      );
      if (flags.json) printJsonLines(io, [s]);
      else
        io.out(
          `CSAF ${s.document}: ${s.advisories.length} advisories (created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}); ` +
            `products mapped ${s.products.mapped}, unmapped ${s.products.unmapped.length}; exposures opened ${s.exposures.opened}, ` +
            `resolved ${s.exposures.resolved}, updated ${s.exposures.updated}\n`,
        );
      for (const u of s.products.unmapped.slice(0, 20))
        io.err(`unmapped product ${u.productId}: ${u.reason}\n`);
      return 0;
    },
  },

  'import epss': {
    usage: 'FILE [--json] [--data DIR]',
    database: true,
    summary:
      'Import FIRST EPSS scores (the daily CSV, plain or .gz); exposures show EPSS and rank by it after KEV.',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one EPSS CSV file (plain or gzip)');
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_EPSS_UPLOAD_BYTES);
      const ctx = await io.open();
      const s = await ctx.advisories.importEpss(await localAdministrator(ctx.orgs), bytes);
      if (flags.json) printJsonLines(io, [s]);
      else
        io.out(
          `EPSS ${s.modelVersion ?? '(no model version)'} of ${s.scoreDate ?? '(no date)'}: ${s.scores} CVEs, ` +
            `${s.advisoriesScored} advisories scored; exposures updated ${s.exposures.updated}\n`,
        );
      return 0;
    },
  },

  'versions compare': {
    usage: 'ECOSYSTEM < lines of "A B"',
    database: false,
    summary:
      "Print <, = or > for each line 'A B' on stdin, in the ecosystem's version order (npm, PyPI, Go, Maven …); ! for a line it cannot compare (named on stderr, exit 1 at the end).",
    async run(argv, io) {
      const { positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one ecosystem, e.g. PyPI');
      let result: ReturnType<typeof compareLines>;
      try {
        result = compareLines(positionals[0]!, await io.stdin());
      } catch (err) {
        if (err instanceof UnknownEcosystemError) throw new UsageError(err.message);
        throw err;
      }
      // Every line is answered (`!` where it could not be compared) before the failures are reported.
      io.out(result.output);
      for (const problem of result.problems) io.err(`bulwark versions compare: ${problem.message}\n`);
      return result.problems.length === 0 ? 0 : 1;
    },
  },
};
