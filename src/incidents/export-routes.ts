// HTTP routes of statutory report documents (issue 10): one stage of one incident as a JSON
// document, visible to whoever sees the incident (the service's access rule: 404 otherwise).
import { actorOf } from '../access/index.ts';
import { errors } from '../platform/errors.ts';
import { responses } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import { DocumentParams, ReportDocument } from './document-schema.ts';
import { buildReportDocument } from './report-document.ts';
import type { IncidentService } from './service.ts';

const tags = ['incidents'];

export async function incidentExportRoutes(app: App, incidents: IncidentService): Promise<void> {
  app.get(
    '/api/v1/incidents/:id/reports/:stage/document',
    {
      schema: {
        tags,
        summary:
          "A stage's statutory report document: the regime's required fields with the filed values, or a draft of what is due by when",
        params: DocumentParams,
        response: responses({ 200: ReportDocument }),
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      // get() applies the access rule first: an incident the actor cannot see answers 404.
      const incident = await incidents.get(actor, req.params.id);
      const regime = await incidents.regimeCatalogue.version(incident.regime, incident.regimeVersion);
      if (!regime)
        throw errors.conflict(
          `The incident's regime ${incident.regime} version ${incident.regimeVersion} is not stored.`,
        );
      const { items } = await incidents.reports(actor, incident.id);
      const doc = buildReportDocument({
        incident,
        regime,
        stageKey: req.params.stage,
        report: items.find((r) => r.stage === req.params.stage),
        now: new Date(),
      });
      if (!doc) throw errors.notFound(`The stage '${req.params.stage}' of regime ${regime.id}`);
      const name = `${incident.id}-${doc.stage.key}${doc.exercise ? '-exercise' : ''}.json`;
      return reply.header('content-disposition', `inline; filename="${name}"`).send(doc);
    },
  );
}
