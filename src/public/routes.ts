// HTTP routes of the public reporting domain: thin — validate, call the service, return. The
// reporter's routes and the public lookups are flagged public explicitly (no account, no session:
// a receipt token in the x-receipt-token header reads one report and nothing else); the staff's
// routes need an actor like every other route.
import { existsSync, readFileSync } from 'node:fs';
import { Type } from 'typebox';
import { actorOf, TLP2_IDS } from '../access/index.ts';
import { errors } from '../platform/errors.ts';
import { IdParams, responses } from '../platform/http/schemas.ts';
import type { App } from '../platform/http/server.ts';
import { uploadScope } from '../platform/http/uploads.ts';
import { ATTACHMENT_TYPES, baseType, MAX_ATTACHMENT_BYTES } from './attachments.ts';
import {
  AttachmentParams,
  AttachmentReceipt,
  Candidate,
  CandidateQuery,
  CheckQuery,
  CheckResult,
  Decide,
  FileReport,
  ObservableRef,
  OperatorActionInput,
  Promote,
  Queue,
  QueueQuery,
  Receipt,
  ReceiptHeader,
  ReportDetail,
  ReportStatus,
  Statistics,
  StatisticsQuery,
  Supplement,
  XarfQuery,
} from './schema.ts';
import type { PublicService } from './service.ts';

const tags = ['public reports'];
const pub = { public: true } as const;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{16,128}$/;

export async function publicRoutes(
  app: App,
  service: PublicService,
  opts: { pageFile?: string } = {},
): Promise<void> {
  // ---- the page (its own small bundle, built beside the console) ----
  app.get('/report', { config: pub, schema: { hide: true } }, async (_req, reply) => {
    if (!opts.pageFile || !existsSync(opts.pageFile))
      throw errors.unavailable("The report page is not built: run 'npm run build:console'.");
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(readFileSync(opts.pageFile));
  });

  // ---- the public side ----
  app.get(
    '/api/v1/public/challenge',
    {
      config: pub,
      schema: {
        tags,
        summary: 'A proof-of-work challenge (ALTCHA) for filing a report',
        security: [],
        response: responses({ 200: Type.Unknown() }),
      },
    },
    async (req) => service.challenge({ address: req.ip }),
  );

  app.post(
    '/api/v1/public/reports',
    {
      config: pub,
      schema: {
        tags,
        summary:
          'File a report of fraud, an intrusion or a privacy violation (no account; a solved challenge)',
        description:
          'Answers 201 with a receipt (its token is shown once) or 200 with the existing receipt for a resubmission ' +
          '(the same Idempotency-Key header, or the same observables and narrative with the same reporterToken within 24 h).',
        security: [],
        body: FileReport,
        response: responses({ 200: Receipt, 201: Receipt }),
      },
    },
    async (req, reply) => {
      const key = req.headers['idempotency-key'];
      if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)))
        throw errors.badRequest(
          'Idempotency-Key must be 16 to 128 letters, digits or ._:- (a random UUID will do).',
        );
      const receipt = await service.file(req.body, { address: req.ip, idempotencyKey: key });
      return reply.code(receipt.replayed ? 200 : 201).send(receipt);
    },
  );

  app.get(
    '/api/v1/public/reports/status',
    {
      config: pub,
      schema: {
        tags,
        summary: "The reporter's status and timeline (x-receipt-token)",
        security: [],
        headers: ReceiptHeader,
        response: responses({ 200: ReportStatus }),
      },
    },
    async (req) => service.status(req.headers['x-receipt-token']),
  );

  app.post(
    '/api/v1/public/reports/supplements',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Add to a report (x-receipt-token)',
        security: [],
        headers: ReceiptHeader,
        body: Supplement,
        response: responses({ 201: Type.Object({ id: Type.String(), version: Type.Integer() }) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send(await service.supplement(req.headers['x-receipt-token'], req.body.text)),
  );

  await uploadScope(app, ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, (s) => {
    s.post(
      '/api/v1/public/reports/attachments',
      {
        config: pub,
        bodyLimit: MAX_ATTACHMENT_BYTES,
        schema: {
          tags,
          summary: 'Attach a file to a report (x-receipt-token; at most 5 of 5 MiB)',
          description:
            'JPEG, PNG and WebP images are re-encoded without their metadata (EXIF, GPS, XMP, ICC) and stored; ' +
            'PDF, text and other files (application/octet-stream) are kept only as their SHA-256 and size. ' +
            "The SHA-256 of what is kept is committed to the ledger as the report's next version.",
          security: [],
          headers: ReceiptHeader,
          response: responses({ 201: AttachmentReceipt }),
        },
      },
      async (req, reply) => {
        const body = req.body as Buffer | undefined;
        return reply
          .code(201)
          .send(
            await service.attach(
              req.headers['x-receipt-token'],
              body ?? Buffer.alloc(0),
              baseType(req.headers['content-type']),
            ),
          );
      },
    );
  });

  app.delete(
    '/api/v1/public/reports/contact',
    {
      config: pub,
      schema: {
        tags,
        summary: "Delete the report's contact now (x-receipt-token)",
        security: [],
        headers: ReceiptHeader,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await service.deleteContact(req.headers['x-receipt-token']);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/public/check',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Is this phone number, URL or wallet a published indicator?',
        security: [],
        querystring: CheckQuery,
        response: responses({ 200: CheckResult }),
      },
    },
    async (req) => service.check(req.query),
  );

  app.get(
    '/api/v1/public/statistics',
    {
      config: pub,
      schema: {
        tags,
        summary: 'Reports per month by category and region; cells under 5 suppressed',
        security: [],
        querystring: StatisticsQuery,
        response: responses({ 200: Statistics }),
      },
    },
    async (req) => service.statistics(req.query.month),
  );

  app.get(
    '/api/v1/public/blocklist',
    {
      config: pub,
      schema: {
        tags,
        summary: 'TLP:CLEAR blocklist of confirmed URLs and domains (format=text|csv|stix)',
        security: [],
        querystring: Type.Object(
          {
            format: Type.Optional(
              Type.Union([Type.Literal('text'), Type.Literal('csv'), Type.Literal('stix')]),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const items = await service.blocklist();
      const format = req.query.format ?? 'text';
      reply.header('cache-control', 'public, max-age=60');
      if (format === 'csv') {
        const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
        const lines = [
          'type,value,indicator,published,valid_until',
          ...items.map((i) =>
            [i.type, q(i.value), i.indicatorId ?? '', i.publishedAt, i.validUntil ?? ''].join(','),
          ),
        ];
        return reply.type('text/csv; charset=utf-8').send(`${lines.join('\n')}\n`);
      }
      if (format === 'stix') {
        return reply.type('application/stix+json;version=2.1').send(blocklistBundle(items));
      }
      return reply
        .type('text/plain; charset=utf-8')
        .send(
          `# Bulwark TLP:CLEAR blocklist (confirmed public reports)\n${items.map((i) => i.value).join('\n')}\n`,
        );
    },
  );

  // ---- the staff side ----
  app.get(
    '/api/v1/public-reports',
    {
      schema: {
        tags,
        summary: 'The triage queue, oldest first (open reports unless a status is given)',
        querystring: QueueQuery,
        response: responses({ 200: Queue }),
      },
    },
    async (req) => service.queue(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/public-reports/observables',
    {
      schema: {
        tags,
        summary: 'Observables by status: candidates for promotion first',
        querystring: CandidateQuery,
        response: responses({ 200: Type.Object({ items: Type.Array(Candidate) }) }),
      },
    },
    async (req) => service.candidates(actorOf(req), req.query),
  );

  app.post(
    '/api/v1/public-reports/observables/promote',
    {
      schema: {
        tags,
        summary: 'Promote an observable to an indicator (an analyst; two for allowlisted values)',
        body: Promote,
        response: responses({
          200: Type.Intersect([
            Candidate,
            Type.Object({ awaiting: Type.Union([Type.String(), Type.Null()]) }),
          ]),
        }),
      },
    },
    async (req) => service.promote(actorOf(req), req.body),
  );

  app.post(
    '/api/v1/public-reports/observables/reject',
    {
      schema: {
        tags,
        summary: 'Reject a candidate',
        body: ObservableRef,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await service.reject(actorOf(req), req.body);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/v1/public-reports/indicator-actions',
    {
      schema: {
        tags,
        summary: 'An operator reports what it did with a published indicator',
        body: OperatorActionInput,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await service.recordAction(actorOf(req), req.body.indicator, req.body.action);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/public-reports/xarf',
    {
      schema: {
        tags,
        summary: 'X-ARF v4 reports of the confirmed URLs and domains, for abuse desks (no reporter data)',
        description:
          'One X-ARF v4 report (category content, type phishing, malware or fraud) per live confirmed TLP:CLEAR URL or domain; ' +
          'the reporter and sender are the coordination centre; the evidence is counts only.',
        querystring: XarfQuery,
        response: responses({ 200: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
      },
    },
    async (req, reply) => {
      const reports = await service.xarf(actorOf(req), req.query);
      if (req.query.format === 'ndjson')
        return reply
          .type('application/x-ndjson; charset=utf-8')
          .send(reports.map((r) => `${JSON.stringify(r)}\n`).join(''));
      return reports;
    },
  );

  app.get(
    '/api/v1/public-reports/:id',
    {
      schema: {
        tags,
        summary: 'A report: observables defanged, duplicates, campaign links, timeline',
        params: IdParams,
        response: responses({ 200: ReportDetail }),
      },
    },
    async (req) => service.report(actorOf(req), req.params.id),
  );

  app.get(
    '/api/v1/public-reports/:id/attachments/:attachment',
    {
      schema: {
        tags,
        summary: "A report's stored image (re-encoded, without metadata), for staff",
        params: AttachmentParams,
        response: responses({ 200: Type.Unknown() }),
      },
    },
    async (req, reply) => {
      const a = await service.attachment(actorOf(req), req.params.id, req.params.attachment);
      // Shown in the console as an image, never run: no sniffing, a sandbox, private caching.
      return reply
        .type(a.mediaType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', `inline; filename="${req.params.attachment}"`)
        .header('cache-control', 'private, no-store')
        .send(a.content);
    },
  );

  app.post(
    '/api/v1/public-reports/:id/decisions',
    {
      schema: {
        tags,
        summary:
          'Decide on a report with a reason (confirm, benign, duplicate, needs-information, out-of-scope)',
        params: IdParams,
        body: Decide,
        response: responses({ 200: ReportDetail }),
      },
    },
    async (req) => service.decide(actorOf(req), req.params.id, req.body),
  );
}

const PATTERN_TYPE: Record<string, string> = { url: 'url', domain: 'domain-name' };

function blocklistBundle(
  items: {
    type: string;
    value: string;
    indicatorId: string | null;
    publishedAt: string;
    validUntil: string | null;
  }[],
) {
  const objects = items
    .filter((i) => i.indicatorId && PATTERN_TYPE[i.type])
    .map((i) => ({
      type: 'indicator',
      spec_version: '2.1',
      id: i.indicatorId,
      created: i.publishedAt,
      modified: i.publishedAt,
      pattern: `[${PATTERN_TYPE[i.type]}:value = '${i.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`,
      pattern_type: 'stix',
      valid_from: i.publishedAt,
      ...(i.validUntil ? { valid_until: i.validUntil } : {}),
      indicator_types: ['malicious-activity'],
      object_marking_refs: [TLP2_IDS.clear],
    }));
  return { type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects };
}
