// HTTP routes of the exposure views (issue 14): remediation advice, the grouped queue with cursor
// paging, and the counts at the top of the list. Thin: validate, call the views, return.
import { Type } from 'typebox';
import { actorOf } from '../access/index.ts';
import type { App } from '../platform/http/server.ts';
import { responses } from '../platform/http/schemas.ts';
import type { ExposureStatus } from './policy.ts';
import type { ExposureService } from './service.ts';
import type { ViewFilter } from './views-repo.ts';
import {
  VexImportResult,
  CountsQuery,
  ExposureCounts,
  GroupPage,
  GroupQuery,
  Remediation,
  RemediationQuery,
} from './views-schema.ts';

const list = (s: string | undefined) => (s ? s.split(',') : undefined);

function filterOf(q: CountsQuery): ViewFilter {
  return {
    asset: q.asset,
    advisory: q.advisory,
    org: q.org,
    status: list(q.status) as ExposureStatus[] | undefined,
    severity: list(q.severity),
    kev: q.kev,
    sector: q.sector,
    region: q.region,
  };
}

export async function exposureViewRoutes(app: App, exposures: ExposureService): Promise<void> {
  app.post(
    '/api/v1/vex',
    {
      schema: {
        tags: ['exposures'],
        summary:
          'Import a VEX document (OpenVEX, CycloneDX VEX or CSAF VEX): not_affected statements move the matching exposures to not_affected with the statement as evidence; the others are shown beside them',
        body: Type.Object(
          {},
          { additionalProperties: true, description: 'The VEX document (application/json)' },
        ),
        response: responses({ 200: VexImportResult }),
      },
    },
    async (req) => exposures.vex.importVex(actorOf(req), JSON.stringify(req.body)),
  );

  app.get(
    '/api/v1/exposures/remediation',
    {
      schema: {
        tags: ['exposures'],
        summary:
          'Remediation advice: per vulnerable component the lowest version that fixes all its open advisories and the exposures it closes, per component and per asset',
        querystring: RemediationQuery,
        response: responses({ 200: Remediation }),
      },
    },
    async (req) => exposures.views.remediation(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/exposures/groups',
    {
      schema: {
        tags: ['exposures'],
        summary:
          'The exposure queue grouped by asset and component (advisories folded under each), most urgent first, with cursor paging',
        querystring: GroupQuery,
        response: responses({ 200: GroupPage }),
      },
    },
    async (req) =>
      exposures.views.groups(actorOf(req), filterOf(req.query), {
        limit: req.query.limit,
        cursor: req.query.cursor,
      }),
  );

  app.get(
    '/api/v1/exposures/counts',
    {
      schema: {
        tags: ['exposures'],
        summary: 'Visible exposures matching a filter, counted by status, severity and KEV',
        querystring: CountsQuery,
        response: responses({ 200: ExposureCounts }),
      },
    },
    async (req) => exposures.views.counts(actorOf(req), filterOf(req.query)),
  );
}
