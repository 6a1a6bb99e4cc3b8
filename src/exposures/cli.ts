// Commands of the exposures domain: the exposure list (one JSON object a line) and a full rematch.
import type { AssetService } from '../assets/index.ts';
import { writeFile } from 'node:fs/promises';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import { readInputFile } from '../formats/index.ts';
import { type CliCommand, parseFlags, printJsonLines, printTable, UsageError } from '../platform/cli.ts';
import { STATUSES, type ExposureStatus } from './policy.ts';
import type { Exposure as PresentedExposure } from './schema.ts';
import type { ExposureService } from './service.ts';
import { printRemediation } from './views-cli.ts';
import { MAX_VEX_BYTES } from './vex/convert.ts';

export interface ExposureCommandContext {
  exposures: ExposureService;
  assets: Pick<AssetService, 'findByName'>;
  orgs: Pick<OrgService, 'root'>;
}

/** The CLI's line for an exposure: what an analyst greps for, the asset by name. */
function line(e: PresentedExposure) {
  return {
    id: e.id,
    asset: e.assetName,
    assetId: e.asset,
    org: e.org,
    ecosystem: e.ecosystem,
    package: e.package,
    purl: e.purl,
    version: e.version,
    advisory: e.advisory,
    aliases: e.aliases,
    severity: e.severity.rating,
    cvss: e.severity.score,
    // Where the score came from when it is another advisory's (an alias's), e.g. "GHSA-x (alias)".
    severitySource:
      e.severitySource?.via === 'alias'
        ? `${e.severitySource.advisory} (alias)`
        : (e.severitySource?.advisory ?? null),
    kev: e.kev,
    // The intelligence (STIX objects) that shows it exploited for this organization.
    intel: e.exploitation.intel.map((i) => i.source),
    epss: e.epss?.score ?? null,
    epssPercentile: e.epss?.percentile ?? null,
    priority: e.priority,
    due: e.due,
    dueRule: e.dueRule,
    status: e.status,
  };
}

export const exposureCommands: Record<string, CliCommand<ExposureCommandContext>> = {
  exposures: {
    usage: '[--asset NAME] [--status S[,S]] [--remediation] [--json] [--data DIR]',
    database: true,
    summary:
      'List exposures, most urgent first: exploited (KEV or threat intelligence), EPSS, CVSS, criticality (asset, purl, version, advisory, aliases, severity and its source, kev, intel sources, EPSS, due and its rule, status); --remediation: the upgrades that close them.',
    async run(argv, io) {
      const { flags } = parseFlags(argv, {
        asset: { type: 'string' },
        status: { type: 'string' },
        remediation: { type: 'boolean' },
      });
      const status = typeof flags.status === 'string' ? flags.status.split(',') : undefined;
      for (const s of status ?? [])
        if (!STATUSES.includes(s as ExposureStatus))
          throw new UsageError(`--status must be among ${STATUSES.join(', ')}`);
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs);
      let assets: string[] | undefined;
      if (typeof flags.asset === 'string') {
        assets = (await ctx.assets.findByName(actor, flags.asset)).map((a) => a.id);
        if (assets.length === 0) {
          io.err(`bulwark exposures: no asset named '${flags.asset}'\n`);
          return 1;
        }
      }
      if (flags.remediation) return printRemediation(io, ctx.exposures, actor, assets, Boolean(flags.json));
      const out: ReturnType<typeof line>[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await ctx.exposures.list(actor, {
          assets,
          status: status as ExposureStatus[] | undefined,
          limit: 1000,
          offset,
        });
        out.push(...page.items.map(line));
        if (page.items.length < 1000) break;
      }
      if (flags.json) printJsonLines(io, out);
      else
        printTable(
          io,
          out.map((x) => ({
            ...x,
            epss: x.epss === null ? '' : x.epss.toFixed(3),
            exploited: [
              ...(x.kev ? ['KEV'] : []),
              ...(x.intel.length ? [`intel ×${x.intel.length}`] : []),
            ].join(', '),
          })),
          [
            'asset',
            'purl',
            'advisory',
            'severity',
            'severitySource',
            'exploited',
            'epss',
            'due',
            'dueRule',
            'status',
          ],
        );
      return 0;
    },
  },

  'export vex': {
    usage: '--asset NAME [--out FILE] [--data DIR]',
    database: true,
    summary:
      "Write an asset's unresolved exposures as a CycloneDX 1.6 VEX document (stdout, or --out FILE); importing it back changes nothing.",
    async run(argv, io) {
      const { flags } = parseFlags(argv, { asset: { type: 'string' }, out: { type: 'string' } });
      if (typeof flags.asset !== 'string') throw new UsageError('give --asset NAME');
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs);
      const assets = await ctx.assets.findByName(actor, flags.asset);
      if (assets.length !== 1) {
        io.err(
          `bulwark export vex: ${assets.length === 0 ? 'no' : 'more than one'} asset named '${flags.asset}'\n`,
        );
        return 1;
      }
      const doc = `${JSON.stringify(await ctx.exposures.exportVex(actor, assets[0]!.id), null, 2)}\n`;
      if (typeof flags.out === 'string') await writeFile(io.path(flags.out), doc);
      else io.out(doc);
      return 0;
    },
  },

  'import vex': {
    usage: 'FILE [--json] [--data DIR]',
    database: true,
    summary:
      'Import a VEX document (OpenVEX, CycloneDX VEX or CSAF VEX): not_affected statements move matching exposures to not_affected, with the statement as evidence.',
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {}, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one VEX JSON file');
      const bytes = await readInputFile(io.path(positionals[0]!), MAX_VEX_BYTES);
      const ctx = await io.open();
      const s = await ctx.exposures.vex.importVex(await localAdministrator(ctx.orgs), bytes);
      if (flags.json) printJsonLines(io, [s]);
      else
        io.out(
          `${s.format ?? 'VEX'}: ${s.statements} statements (${Object.entries(s.byStatus)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')}); ${s.notAffected} exposures now not affected, ${s.annotated} annotated\n` +
            (s.unreadableProducts.length
              ? `${s.unreadableProducts.length} products matched to no component (no purl this server reads): ${s.unreadableProducts.slice(0, 5).join('; ')}${s.unreadableProducts.length > 5 ? '; …' : ''}\n`
              : ''),
        );
      return 0;
    },
  },

  rematch: {
    usage: '[--json] [--data DIR]',
    database: true,
    summary:
      'Rebuild the exposure index from the database and rematch every component against every advisory.',
    async run(argv, io) {
      const { flags } = parseFlags(argv, {});
      const ctx = await io.open();
      const r = await ctx.exposures.rematch(await localAdministrator(ctx.orgs));
      if (flags.json) printJsonLines(io, [r]);
      else
        io.out(
          `rematched ${r.components} components in ${Math.round(r.ms)} ms: opened ${r.opened}, reopened ${r.reopened}, ` +
            `resolved ${r.resolved}, updated ${r.updated}; ${r.active} active\n`,
        );
      return 0;
    },
  },
};
