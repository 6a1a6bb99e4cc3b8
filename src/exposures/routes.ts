// HTTP routes of the exposures domain: the queue, one exposure, status changes, full rematch, an
// asset's exposures as CycloneDX VEX.
import { Type } from 'typebox';
import type { App } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { IdParams, responses } from '../platform/http/schemas.ts';
import type { ExposureStatus } from './policy.ts';
import { BulkStatusChange, Exposure, ExposureListQuery, RematchResult, StatusChange } from './schema.ts';
import type { ExposureService } from './service.ts';
import { exposureViewRoutes } from './views-routes.ts';

const list = (s: string | undefined) => (s ? s.split(',') : undefined);

export async function exposureRoutes(app: App, exposures: ExposureService): Promise<void> {
  await exposureViewRoutes(app, exposures);
  app.get(
    '/api/v1/exposures',
    {
      schema: {
        tags: ['exposures'],
        summary: 'The exposure queue: visible exposures, most urgent first',
        querystring: ExposureListQuery,
        response: responses({ 200: Type.Object({ items: Type.Array(Exposure), total: Type.Integer() }) }),
      },
    },
    async (req) => {
      const q = req.query;
      return exposures.list(actorOf(req), {
        asset: q.asset,
        advisory: q.advisory,
        org: q.org,
        status: list(q.status) as ExposureStatus[] | undefined,
        severity: list(q.severity),
        kev: q.kev,
        sector: q.sector,
        region: q.region,
        limit: q.limit,
        offset: q.offset,
      });
    },
  );

  app.get(
    '/api/v1/assets/:id/vex',
    {
      schema: {
        tags: ['exposures'],
        summary: "The asset's unresolved exposures as a CycloneDX 1.6 VEX document",
        description:
          'One vulnerability per exposure with its analysis (open: in_triage; acknowledged, mitigated, accepted_risk: exploitable ' +
          'with the response; false_positive; not_affected with the VEX justification), rating and affected component (purl). ' +
          'Importing the document back (POST /vex) changes no exposure. Another organization’s asset is 404.',
        params: IdParams,
        response: responses({
          200: Type.Record(Type.String(), Type.Unknown(), {
            description: 'CycloneDX 1.6 BOM with vulnerabilities',
          }),
        }),
      },
    },
    async (req, reply) => {
      const doc = await exposures.exportVex(actorOf(req), req.params.id);
      reply.header('content-disposition', `attachment; filename="vex-${req.params.id}.cdx.json"`);
      return doc;
    },
  );

  app.get(
    '/api/v1/exposures/summary',
    {
      schema: {
        tags: ['exposures'],
        summary: 'Visible exposures counted by status',
        response: responses({ 200: Type.Record(Type.String(), Type.Integer()) }),
      },
    },
    async (req) => exposures.counts(actorOf(req)),
  );

  app.get(
    '/api/v1/exposures/:id',
    { schema: { tags: ['exposures'], params: IdParams, response: responses({ 200: Exposure }) } },
    async (req) => exposures.get(actorOf(req), req.params.id),
  );

  app.patch(
    '/api/v1/exposures/:id',
    {
      schema: {
        tags: ['exposures'],
        summary:
          'Change the status of an exposure (acknowledged, mitigated, accepted_risk, false_positive, open)',
        params: IdParams,
        body: StatusChange,
        response: responses({ 200: Exposure }),
      },
    },
    async (req) =>
      (await exposures.setStatus(actorOf(req), [req.params.id], req.body.status, req.body.note))[0],
  );

  app.post(
    '/api/v1/exposures/status',
    {
      schema: {
        tags: ['exposures'],
        summary: 'Change the status of many exposures at once (all or nothing)',
        body: BulkStatusChange,
        response: responses({ 200: Type.Object({ items: Type.Array(Exposure) }) }),
      },
    },
    async (req) => ({
      items: await exposures.setStatus(actorOf(req), req.body.ids, req.body.status, req.body.note),
    }),
  );

  app.post(
    '/api/v1/exposures/rematch',
    {
      schema: {
        tags: ['exposures'],
        summary:
          'Rebuild the index from the database and rematch everything (coordination centre administrators)',
        response: responses({ 200: RematchResult }),
      },
    },
    async (req) => exposures.rematch(actorOf(req)),
  );
}
