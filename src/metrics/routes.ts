// HTTP routes of the metrics domain: thin — validate, call the service, present as JSON or CSV.
import { actorOf } from '../access/index.ts';
import type { FastifyReply } from 'fastify';
import { responses } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import { errors } from '../platform/errors.ts';
import { flattenFigures, toCsv } from './presenters.ts';
import {
  Deadlines,
  DigitalGap,
  FormatQuery,
  Indicators,
  IndicatorsQuery,
  Overview,
  RegionOrganizations,
  RegionOrganizationsQuery,
  RegionPage,
  RegionParams,
  TileMap,
  TwoWings,
  TwoWingsQuery,
} from './schema.ts';
import type { MetricsService } from './service.ts';

const tags = ['metrics'];
const CSV = 'text/csv; charset=utf-8';

function parseWeights(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text ? text.split(',') : []) {
    const [k, v] = part.split(':');
    const n = Number(v);
    if (!k || !Number.isFinite(n) || n < 0)
      throw errors.badRequest(`weights: '${part}' is not indicator:weight (a number ≥ 0)`);
    out[k.trim()] = n;
  }
  return out;
}

/** Columns of an indicator value in CSV, in order (the region page adds `rolledUp`). */
const VALUE_COLUMNS = [
  'indicator',
  'region',
  'period',
  'value',
  'numerator',
  'denominator',
  'estimate',
  'provisional',
  'break',
  'vintage',
  'source',
  'licence',
  'demo',
  'provenance',
];

/** Indicator values as CSV rows: provenance as its JSON text. */
function valueRows<V extends { provenance: unknown }>(
  values: readonly V[],
): (Omit<V, 'provenance'> & { provenance: string })[] {
  return values.map((v) => ({ ...v, provenance: JSON.stringify(v.provenance) }));
}

/**
 * Every metrics view answers JSON, or with `format=csv` the table a spreadsheet wants: `csv` makes
 * it from the same answer, so the two never disagree.
 */
function jsonOrCsv<T>(
  reply: FastifyReply,
  format: string | undefined,
  body: T,
  csv: (body: T) => string,
): T | FastifyReply {
  if (format !== 'csv') return body;
  return reply.type(CSV).send(csv(body));
}

export async function metricsRoutes(app: App, metrics: MetricsService): Promise<void> {
  app.get(
    '/api/v1/metrics/overview',
    {
      schema: {
        tags,
        summary:
          "The overview for the caller's level: what needs attention, trends over 12 months, the regions one level down (format=csv: the regions)",
        querystring: FormatQuery,
        response: responses({ 200: Overview }),
      },
    },
    async (req, reply) => {
      return jsonOrCsv(reply, req.query.format, await metrics.overview(actorOf(req)), (o) =>
        toCsv([
          flattenFigures({ region: o.scope.code, name: o.scope.name, level: o.scope.level }, o.totals),
          ...o.regions.map((r) =>
            flattenFigures({ region: r.code, name: r.name, level: r.level }, r.security),
          ),
        ]),
      );
    },
  );

  app.get(
    '/api/v1/metrics/regions/:code',
    {
      schema: {
        tags,
        summary:
          'A region: its security figures, by sector, its indicators with source, licence and flags, the regions below (format=csv: the indicators)',
        params: RegionParams,
        querystring: FormatQuery,
        response: responses({ 200: RegionPage }),
      },
    },
    async (req, reply) => {
      const page = await metrics.regionPage(actorOf(req), req.params.code);
      return jsonOrCsv(reply, req.query.format, page, (p) =>
        toCsv(valueRows(p.indicators), [...VALUE_COLUMNS.slice(0, 9), 'rolledUp', ...VALUE_COLUMNS.slice(9)]),
      );
    },
  );

  app.get(
    '/api/v1/metrics/regions/:code/organizations',
    {
      schema: {
        tags,
        summary:
          'The drill-down from a region (and a sector) to the organizations the caller may see there, each with its figures (format=csv: a row per organization)',
        params: RegionParams,
        querystring: RegionOrganizationsQuery,
        response: responses({ 200: RegionOrganizations }),
      },
    },
    async (req, reply) => {
      const r = await metrics.regionOrganizations(actorOf(req), req.params.code, req.query.sector);
      return jsonOrCsv(reply, req.query.format, r, (x) =>
        toCsv(x.organizations.map((o) => ({ ...o, suppressed: o.suppressed.join(' ') }))),
      );
    },
  );

  app.get(
    '/api/v1/metrics/indicators',
    {
      schema: {
        tags,
        summary:
          "Indicator definitions and every value in the caller's regions, each with its provenance and licence",
        querystring: IndicatorsQuery,
        response: responses({ 200: Indicators }),
      },
    },
    async (req, reply) => {
      const r = await metrics.indicators(actorOf(req), {
        indicator: req.query.indicator,
        region: req.query.region,
      });
      return jsonOrCsv(reply, req.query.format, r, (x) => toCsv(valueRows(x.values), VALUE_COLUMNS));
    },
  );

  app.get(
    '/api/v1/metrics/two-wings',
    {
      schema: {
        tags,
        summary:
          'Two wings: per region below the caller, an informatization index against a security index (weights adjustable)',
        querystring: TwoWingsQuery,
        response: responses({ 200: TwoWings }),
      },
    },
    async (req, reply) => {
      const r = await metrics.twoWings(actorOf(req), parseWeights(req.query.weights));
      return jsonOrCsv(reply, req.query.format, r, (x) => toCsv(x.regions));
    },
  );

  app.get(
    '/api/v1/metrics/digital-gap',
    {
      schema: {
        tags,
        summary:
          'The digital gap: urban against rural Internet use per region below the caller, sorted by gap, and over time',
        querystring: FormatQuery,
        response: responses({ 200: DigitalGap }),
      },
    },
    async (req, reply) => {
      return jsonOrCsv(reply, req.query.format, await metrics.digitalGap(actorOf(req)), (x) =>
        toCsv(x.regions),
      );
    },
  );

  app.get(
    '/api/v1/metrics/deadlines',
    {
      schema: {
        tags,
        summary:
          'Deadlines: time to report per stage with the legal limit, incidents by month and grade, KEV past due by age (format=csv: the time-to-report bins)',
        querystring: FormatQuery,
        response: responses({ 200: Deadlines }),
      },
    },
    async (req, reply) => {
      return jsonOrCsv(reply, req.query.format, await metrics.deadlines(actorOf(req)), (r) =>
        toCsv(
          r.timeToReport.flatMap((s) =>
            s.bins.map((b) => ({
              stage: s.stage,
              limitHours: s.limitHours,
              fromHours: b.fromHours,
              toHours: b.toHours,
              reports: b.reports,
            })),
          ),
        ),
      );
    },
  );

  app.get(
    '/api/v1/metrics/map',
    {
      schema: {
        tags,
        summary:
          'The region map as an equal-area tile grid: one tile per region below the caller with its security figures and latest indicator values (format=csv: a row per region)',
        querystring: FormatQuery,
        response: responses({ 200: TileMap }),
      },
    },
    async (req, reply) => {
      return jsonOrCsv(reply, req.query.format, await metrics.tileMap(actorOf(req)), (r) =>
        toCsv(
          r.tiles.map((t) => ({ region: t.code, name: t.name, col: t.col, row: t.row, ...t.values })),
          ['region', 'name', 'col', 'row', ...r.indicators.map((i) => i.code)],
        ),
      );
    },
  );
}
