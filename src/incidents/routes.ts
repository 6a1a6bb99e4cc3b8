// HTTP routes of the incidents domain: thin — validate (TypeBox), call the service, return.
import { Type } from 'typebox';
import { actorOf } from '../access/index.ts';
import { IdParams, ListOf, responses } from '../platform/http/schemas.ts';
import { DocumentParams, ReportDocument } from './document-schema.ts';
import type { App } from '../platform/http/server.ts';
import { uploadScope } from '../platform/http/uploads.ts';
import { describeDelay } from './deadlines.ts';
import {
  ATTACHMENT_MEDIA_TYPES,
  Attachment,
  AttachmentParams,
  AttachmentQuery,
  Comment,
  CreateIncident,
  CreateTask,
  FileReport,
  RequestReport,
  GradeSuggestion,
  GradingQuery,
  Incident,
  IncidentList,
  IncidentListQuery,
  MAX_ATTACHMENT_BYTES,
  Preview,
  PreviewQuery,
  Profile,
  type RegimeDefinition,
  RegimeDetail,
  RegimeIdParams,
  Regimes,
  RegimeVersion,
  RegimeVersionQuery,
  StatutoryReport,
  Summary,
  Task,
  TaskParams,
  TimelineEntry,
  UpdateIncident,
  UpdateProfile,
  UpdateTask,
} from './schema.ts';
import type { IncidentService } from './service.ts';
import { CATEGORIES } from './taxonomy.ts';

const tags = ['incidents'];

export async function incidentRoutes(app: App, incidents: IncidentService): Promise<void> {
  // Evidence files: raw bytes in their own scope and limit (413 beyond MAX_ATTACHMENT_BYTES).
  await uploadScope(app, ATTACHMENT_MEDIA_TYPES, MAX_ATTACHMENT_BYTES, (scope) => {
    scope.post(
      '/api/v1/incidents/:id/attachments',
      {
        schema: {
          tags,
          summary: `Attach an evidence file (raw bytes, at most ${MAX_ATTACHMENT_BYTES} bytes; SHA-256 committed to the ledger)`,
          params: IdParams,
          querystring: AttachmentQuery,
          response: responses({ 201: Attachment }),
        },
      },
      async (req, reply) => {
        const q = req.query as { name: string };
        const content = req.body as Buffer;
        const mediaType = (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]!.trim();
        const a = await incidents.attach(actorOf(req), (req.params as { id: string }).id, {
          name: q.name,
          mediaType,
          content,
        });
        return reply.code(201).send(a);
      },
    );
  });

  app.get(
    '/api/v1/incidents/:id/attachments',
    {
      schema: {
        tags,
        summary: "An incident's evidence files (without their bytes)",
        params: IdParams,
        response: responses({ 200: ListOf(Attachment) }),
      },
    },
    async (req) => incidents.attachments(actorOf(req), req.params.id),
  );

  app.get(
    '/api/v1/incidents/:id/attachments/:attachmentId',
    {
      schema: {
        tags,
        summary:
          'Download an evidence file (to whoever sees the incident); its SHA-256 in the Digest-like header',
        params: AttachmentParams,
      },
    },
    async (req, reply) => {
      const { attachment, content } = await incidents.attachmentContent(
        actorOf(req),
        req.params.id,
        req.params.attachmentId,
      );
      return reply
        .type(attachment.mediaType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.name)}`)
        .header('x-content-sha256', attachment.sha256)
        .send(content);
    },
  );

  app.post(
    '/api/v1/incidents',
    {
      schema: {
        tags,
        summary:
          'File an incident (the reporting organization; a coordinating one may launch a drill for another)',
        body: CreateIncident,
        response: responses({ 201: Incident }),
      },
    },
    async (req, reply) => {
      const incident = await incidents.file(actorOf(req), req.body);
      return reply.code(201).send(incident);
    },
  );

  app.get(
    '/api/v1/incidents',
    {
      schema: {
        tags,
        summary:
          'The incident queue: visible incidents, the earliest open deadline first (total counted up to 10,000)',
        querystring: IncidentListQuery,
        response: responses({ 200: IncidentList }),
      },
    },
    async (req) => incidents.list(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/incidents/summary',
    {
      schema: {
        tags,
        summary:
          'The regional overview: visible incidents counted by region, grade and status, overdue first; drills apart',
        response: responses({ 200: Summary }),
      },
    },
    async (req) => incidents.summary(actorOf(req)),
  );

  app.get(
    '/api/v1/incidents/preview',
    {
      schema: {
        tags,
        summary: 'What an incident of an organization would owe, by when (the guided form)',
        querystring: PreviewQuery,
        response: responses({ 200: Preview }),
      },
    },
    async (req) => incidents.preview(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/incidents/grading',
    {
      schema: {
        tags,
        summary:
          "The grading checklist's suggested grade for impact figures, with the criteria that fired (the regime's by default)",
        querystring: GradingQuery,
        response: responses({ 200: GradeSuggestion }),
      },
    },
    async (req) => incidents.suggestGrade(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/incident-regimes',
    {
      schema: {
        tags,
        summary: 'The statutory reporting regimes and their stages, and the incident categories',
        response: responses({ 200: Regimes }),
      },
    },
    async () => {
      const stored = new Map((await incidents.regimeCatalogue.list()).map((v) => [v.id, v]));
      return {
        items: (await incidents.regimes()).map((r) => ({
          id: r.id,
          version: r.version,
          createdAt: stored.get(r.id)?.createdAt ?? null,
          createdBy: stored.get(r.id)?.createdBy ?? null,
          title: r.title,
          entities: [...r.entities],
          sources: r.sources.map((s) => ({ ...s })),
          stages: r.stages.map((s) => ({
            key: s.key,
            title: s.title,
            anchor: 'stage' in s.anchor ? `report ${s.anchor.stage}` : s.anchor.event,
            delay: describeDelay(s.delay),
            recipient: s.recipient,
            filer: s.filer,
            entities: s.entities ? [...s.entities] : null,
            grades: s.grades ? [...s.grades] : null,
            content: [...s.content],
            note: s.note ?? null,
          })),
        })),
        categories: CATEGORIES.map((c) => ({ ...c })),
      };
    },
  );

  // Regimes as data: every authenticated caller reads them (they are the law it reports under); the
  // coordination centre's administrators add and edit them, each edit a new version in the ledger.
  app.get(
    '/api/v1/incidents/regimes',
    {
      schema: {
        tags,
        summary: 'Every reporting regime, its newest version with its definition and ledger receipt',
        response: responses({ 200: ListOf(RegimeVersion) }),
      },
    },
    async (req) => {
      actorOf(req);
      return { items: await incidents.regimeCatalogue.list() };
    },
  );

  app.get(
    '/api/v1/incidents/regimes/:regimeId',
    {
      schema: {
        tags,
        summary: "A regime's newest version (or ?version=N) and the list of its versions",
        params: RegimeIdParams,
        querystring: RegimeVersionQuery,
        response: responses({ 200: RegimeDetail }),
      },
    },
    async (req) => {
      actorOf(req);
      return incidents.regimeCatalogue.detail(req.params.regimeId, req.query.version);
    },
  );

  app.post(
    '/api/v1/incidents/regimes',
    {
      schema: {
        tags,
        summary:
          "Add a regime (the coordination centre's administrators): validated, stored as version 1, committed to the ledger",
        body: Type.Unsafe<RegimeDefinition>(Type.Object({}, { additionalProperties: true })),
        response: responses({ 201: RegimeVersion }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await incidents.regimeCatalogue.save(actorOf(req), req.body, 'create')),
  );

  app.put(
    '/api/v1/incidents/regimes/:regimeId',
    {
      schema: {
        tags,
        summary:
          "Edit a regime (the coordination centre's administrators): the body is the whole new definition, stored as the next version and committed to the ledger; incidents already filed keep theirs",
        params: RegimeIdParams,
        body: Type.Unsafe<RegimeDefinition>(Type.Object({}, { additionalProperties: true })),
        response: responses({ 200: RegimeVersion }),
      },
    },
    async (req) => incidents.regimeCatalogue.save(actorOf(req), req.body, 'update', req.params.regimeId),
  );

  app.get(
    '/api/v1/incident-profiles/:id',
    {
      schema: {
        tags,
        summary:
          "An organization's reporting profile: entity type, time zone, regime (own, inherited or default)",
        params: IdParams,
        response: responses({ 200: Profile }),
      },
    },
    async (req) => incidents.profile(actorOf(req), req.params.id),
  );

  app.patch(
    '/api/v1/incident-profiles/:id',
    {
      schema: {
        tags,
        summary: "Set an organization's entity type, time zone or regime (null: inherit); administrators",
        params: IdParams,
        body: UpdateProfile,
        response: responses({ 200: Profile }),
      },
    },
    async (req) => incidents.setProfile(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/v1/incidents/:id',
    { schema: { tags, params: IdParams, response: responses({ 200: Incident }) } },
    async (req) => incidents.get(actorOf(req), req.params.id),
  );

  app.patch(
    '/api/v1/incidents/:id',
    {
      schema: {
        tags,
        summary:
          'Change fields, the grade (recomputes obligations, escalates), the status (workflow), or acknowledge the alert',
        params: IdParams,
        body: UpdateIncident,
        response: responses({ 200: Incident }),
      },
    },
    async (req) => incidents.update(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/v1/incidents/:id/reports',
    {
      schema: {
        tags,
        summary: 'The statutory reports filed',
        params: IdParams,
        response: responses({ 200: ListOf(StatutoryReport) }),
      },
    },
    async (req) => incidents.reports(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/incidents/:id/reports',
    {
      schema: {
        tags,
        summary:
          "File a stage's statutory report; satisfies its obligation and is committed to the ledger (receipt)",
        params: IdParams,
        body: FileReport,
        response: responses({ 201: StatutoryReport }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await incidents.fileReport(actorOf(req), req.params.id, req.body)),
  );

  app.post(
    '/api/v1/incidents/:id/requests',
    {
      schema: {
        tags,
        summary:
          "An authority requests a stage's report owed on request (NIS2 art. 23(4)(c) intermediate report); its deadline starts",
        params: IdParams,
        body: RequestReport,
        response: responses({ 201: Incident }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await incidents.requestReport(actorOf(req), req.params.id, req.body)),
  );

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
      const doc = await incidents.reportDocument(actorOf(req), req.params.id, req.params.stage);
      const name = `${doc.incident.id}-${doc.stage.key}${doc.exercise ? '-exercise' : ''}.json`;
      return reply.header('content-disposition', `inline; filename="${name}"`).send(doc);
    },
  );

  app.get(
    '/api/v1/incidents/:id/timeline',
    {
      schema: {
        tags,
        summary: 'The shared timeline (grade history included)',
        params: IdParams,
        response: responses({ 200: ListOf(TimelineEntry) }),
      },
    },
    async (req) => incidents.timeline(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/incidents/:id/timeline',
    {
      schema: {
        tags,
        summary: 'Add a comment to the timeline',
        params: IdParams,
        body: Comment,
        response: responses({ 201: TimelineEntry }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await incidents.comment(actorOf(req), req.params.id, req.body.text)),
  );

  app.get(
    '/api/v1/incidents/:id/tasks',
    {
      schema: {
        tags,
        summary: 'Response tasks',
        params: IdParams,
        response: responses({ 200: ListOf(Task) }),
      },
    },
    async (req) => incidents.tasks(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/incidents/:id/tasks',
    {
      schema: {
        tags,
        summary: 'Assign a task (or request assistance) to an organization that sees the incident',
        params: IdParams,
        body: CreateTask,
        response: responses({ 201: Task }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await incidents.createTask(actorOf(req), req.params.id, req.body)),
  );

  app.patch(
    '/api/v1/incidents/:id/tasks/:taskId',
    {
      schema: {
        tags,
        summary: 'Change a task (status, owner, due, title)',
        params: TaskParams,
        body: UpdateTask,
        response: responses({ 200: Task }),
      },
    },
    async (req) => incidents.updateTask(actorOf(req), req.params.id, req.params.taskId, req.body),
  );
}
