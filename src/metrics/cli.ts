// Commands of the metrics domain: `import indicators FILE --format wdi|itu|csv` and `import geometry
// FILE` (as the local administrator; reference data), `metrics overview` (the federation's figures, --json), and
// `metrics bi-role` (a read-only PostgreSQL login for a BI tool, docs/metrics.md).
import { readInputFile } from '../formats/index.ts';
import { localAdministrator, type OrgService } from '../orgs/index.ts';
import { type CliCommand, oneOf, parseFlags, requireFlag, stringFlag, UsageError } from '../platform/cli.ts';
import { IMPORT_FORMATS } from './import/convert.ts';
import { GEOMETRY_MAX_BYTES } from './import/geometry.ts';
import type { MetricsService } from './service.ts';

const MAX_FILE_BYTES = 64 * 1024 * 1024;

export interface MetricsCommandContext {
  metrics: MetricsService;
  orgs: Pick<OrgService, 'root' | 'orgRef'>;
}

function regionMap(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const [from, to] = v.split('=');
    if (!from || !to) throw new UsageError(`--region must be SOURCE=REGION (e.g. CHN=BW), not '${v}'`);
    out[from] = to;
  }
  return out;
}

export const metricsCommands: Record<string, CliCommand<MetricsCommandContext>> = {
  'import indicators': {
    usage: 'FILE --format wdi|itu|csv [--region SRC=CODE]… [--licence L] [--source S] [--data DIR]',
    summary:
      'Import indicator values (World Bank WDI API JSON, ITU-style CSV, the generic CSV of docs/metrics.md), each with its provenance and licence.',
    database: true,
    async run(argv, io) {
      const { flags, positionals } = parseFlags(
        argv,
        {
          format: { type: 'string' },
          region: { type: 'string', multiple: true },
          licence: { type: 'string' },
          source: { type: 'string' },
        },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('give one FILE');
      const format = oneOf('format', requireFlag(flags, 'format'), IMPORT_FORMATS);
      const file = positionals[0]!;
      const bytes = await readInputFile(io.path(file), MAX_FILE_BYTES);
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs as OrgService);
      const r = await ctx.metrics.importIndicators(actor, format, bytes, {
        file: file.split('/').at(-1) ?? file,
        regionMap: regionMap(flags.region as string[] | undefined),
        licence: stringFlag(flags, 'licence'),
        source: stringFlag(flags, 'source'),
      });
      if (flags.json) io.out(`${JSON.stringify(r)}\n`);
      else io.out(`Imported ${r.observations} values of ${r.indicators} indicators (${r.format}).\n`);
      return 0;
    },
  },
  'import geometry': {
    usage: 'FILE --source S --licence L [--property region] [--data DIR]',
    summary:
      "Supply the region map's real boundaries: a GeoJSON FeatureCollection, one Polygon or MultiPolygon per region code (in property 'region'); it replaces any earlier file.",
    database: true,
    async run(argv, io) {
      const { flags, positionals } = parseFlags(
        argv,
        { source: { type: 'string' }, licence: { type: 'string' }, property: { type: 'string' } },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('give one FILE');
      const source = requireFlag(flags, 'source');
      const licence = requireFlag(flags, 'licence');
      const file = positionals[0]!;
      const bytes = await readInputFile(io.path(file), GEOMETRY_MAX_BYTES);
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs as OrgService);
      const r = await ctx.metrics.importGeometry(actor, bytes, {
        file: file.split('/').at(-1) ?? file,
        source,
        licence,
        property: stringFlag(flags, 'property'),
      });
      if (flags.json) io.out(`${JSON.stringify(r)}\n`);
      else
        io.out(
          `Stored the geometry of ${r.regions} regions (sha256 ${r.sha256}, ledger entry ${r.entrySeq}).\n`,
        );
      return 0;
    },
  },
  'metrics overview': {
    usage: '[--json] [--data DIR]',
    summary: "The federation's overview: what needs attention and each province's security figures.",
    database: true,
    async run(argv, io) {
      const { flags } = parseFlags(argv, {});
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs as OrgService);
      const o = await ctx.metrics.overview(actor);
      if (flags.json) {
        io.out(`${JSON.stringify(o)}\n`);
        return 0;
      }
      for (const a of o.attention) io.out(`${a.label}: ${a.count}\n`);
      for (const r of o.regions)
        io.out(
          `${r.code}\t${r.name}\topen crit/high per 100 critical assets ${r.security.openCriticalHighPer100CriticalAssets ?? '–'}\tKEV past due ${r.security.kevPastDue}\tincidents ${r.security.incidents ?? 'suppressed'}\n`,
        );
      return 0;
    },
  },
  'metrics bi-role': {
    usage: 'ROLE --org ORG_ID [--password-file FILE] [--data DIR]',
    summary:
      'Create a read-only PostgreSQL login for a BI tool (Superset, Grafana): it reads the views of schema metrics_bi, limited to what the organization may see.',
    database: true,
    async run(argv, io) {
      const { flags, positionals } = parseFlags(argv, {
        org: { type: 'string' },
        'password-file': { type: 'string' },
      });
      if (positionals.length !== 1) throw new UsageError('give one ROLE');
      const org = requireFlag(flags, 'org');
      const file = stringFlag(flags, 'password-file');
      const password = file
        ? new TextDecoder().decode(await readInputFile(io.path(file), 4096)).trim()
        : undefined;
      const ctx = await io.open();
      const actor = await localAdministrator(ctx.orgs as OrgService);
      if (!(await ctx.orgs.orgRef(org))) throw new UsageError(`no organization ${org}`);
      const r = await ctx.metrics.grantBiRole(actor, org, positionals[0]!, password);
      if (flags.json) io.out(`${JSON.stringify(r)}\n`);
      else
        io.out(
          `Role ${r.role} reads schema metrics_bi as organization ${r.org} (version ${r.version}, ledger entry ${r.entrySeq}).\n`,
        );
      return 0;
    },
  },
};
