// HTTP routes of the advisories domain: advisory lists and detail (with the affected assets the
// caller may see), OSV uploads (JSON or zip) and KEV catalogue uploads, and version comparison.
import { type TSchema, Type } from 'typebox';
import { uploadScope } from '../platform/http/uploads.ts';
import { errors } from '../platform/errors.ts';
import type { App } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { responses } from '../platform/http/schemas.ts';
import { Limit, Offset, Text } from '../platform/http/text.ts';
import { MAX_CSAF_BYTES, MAX_EPSS_UPLOAD_BYTES, MAX_KEV_BYTES } from './import/index.ts';
import {
  AdvisoryDetail,
  AdvisorySummary,
  CsafImportSummary,
  EpssImportSummary,
  KevImportSummary,
  OsvImportSummary,
} from './schema.ts';
import type { AdvisoryService } from './service.ts';
import { compareVersions, InvalidVersionError, UnknownEcosystemError } from '../formats/versions/index.ts';

/**
 * An OSV upload: one file, an array of entries, or an ecosystem's all.zip. An archive at the entry
 * and inflated-size limits (20,000 entries, 256 MiB) compresses to well under this.
 */
export const OSV_BODY_LIMIT = 100 * 1024 * 1024;

const ListQuery = Type.Object(
  {
    q: Type.Optional(Text({ maxLength: 200 })),
    ecosystem: Type.Optional(Text({ maxLength: 64 })),
    kev: Type.Optional(Type.Boolean()),
    withdrawn: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Limit(50)),
    offset: Type.Optional(Offset()),
  },
  { additionalProperties: false },
);

const ImportQuery = Type.Object(
  {
    takeOver: Type.Optional(
      Type.Boolean({
        description:
          "Take over advisories another source supplied (coordination centre administrators only); recorded in each version's provenance",
      }),
    ),
  },
  { additionalProperties: false },
);

const CompareBody = Type.Object(
  {
    ecosystem: Type.String({ minLength: 1, maxLength: 64 }),
    pairs: Type.Array(Type.Tuple([Type.String({ maxLength: 1024 }), Type.String({ maxLength: 1024 })]), {
      minItems: 1,
      maxItems: 10_000,
    }),
  },
  { additionalProperties: false },
);

/**
 * `exposure` is the schema of the affected assets' exposures shown with an advisory: the exposures
 * domain's, handed in by the composition root (advisories do not depend on exposures).
 */
export async function advisoryRoutes(
  app: App,
  advisories: AdvisoryService<unknown>,
  exposure: TSchema,
): Promise<void> {
  app.get(
    '/api/v1/advisories',
    {
      schema: {
        tags: ['advisories'],
        summary: 'Advisories (OSV), newest first; q matches id, alias, summary or package',
        querystring: ListQuery,
        response: responses({
          200: Type.Object({ items: Type.Array(AdvisorySummary), total: Type.Integer() }),
        }),
      },
    },
    async (req) => advisories.list(actorOf(req), req.query),
  );

  app.get(
    '/api/v1/advisories/:id',
    {
      schema: {
        tags: ['advisories'],
        summary: 'One advisory with the exposures of the assets the caller may see',
        params: Type.Object({ id: Type.String({ maxLength: 100, pattern: '^[A-Za-z0-9._:-]+$' }) }),
        response: responses({ 200: AdvisoryDetail(exposure) }),
      },
    },
    async (req) => advisories.get(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/versions/compare',
    {
      schema: {
        tags: ['advisories'],
        summary: "Compare versions in an ecosystem's own order: -1, 0 or 1 per pair",
        body: CompareBody,
        response: responses({ 200: Type.Object({ results: Type.Array(Type.Integer()) }) }),
      },
    },
    async (req) => {
      try {
        return { results: req.body.pairs.map(([a, b]) => compareVersions(req.body.ecosystem, a, b)) };
      } catch (err) {
        if (err instanceof UnknownEcosystemError || err instanceof InvalidVersionError)
          throw errors.unprocessable(err.message);
        throw err;
      }
    },
  );

  await uploadScope(app, ['application/json', 'application/zip'], OSV_BODY_LIMIT, (s) => {
    s.post(
      '/api/v1/advisories',
      {
        bodyLimit: OSV_BODY_LIMIT,
        schema: {
          tags: ['advisories'],
          summary:
            'Import OSV advisories: one entry or an array (application/json), or an all.zip (application/zip)',
          description:
            'Reference data: needs publish-reference (BULWARK_REFERENCE_PUBLISHERS; by default administrators and analysts of the coordination centre). ' +
            'An advisory belongs to the source that supplied it (organization + feed): another source cannot update or withdraw it (409 advisory-source for one document, `failed` entries of kind other-source in a batch). ' +
            'A modified, published or withdrawn time more than 5 minutes ahead is refused (422 naming the field; kind future-time in a batch). ' +
            'Exposure counts cover only the organizations the caller sees.',
          querystring: ImportQuery,
          response: responses({ 200: OsvImportSummary }),
        },
      },
      async (req) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no advisory in its body.');
        const zip = (req.headers['content-type'] ?? '').startsWith('application/zip');
        const { takeOver } = req.query as { takeOver?: boolean };
        return advisories.importOsvUpload(actorOf(req), body, zip, { takeOver });
      },
    );
  });

  await uploadScope(app, ['application/json'], MAX_KEV_BYTES, (s) => {
    s.post(
      '/api/v1/kev',
      {
        bodyLimit: MAX_KEV_BYTES,
        schema: {
          tags: ['advisories'],
          summary: 'Import the CISA Known Exploited Vulnerabilities catalogue (JSON)',
          description:
            'Reference data: needs publish-reference. Exposure counts cover only the organizations the caller sees.',
          response: responses({ 200: KevImportSummary }),
        },
      },
      async (req) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no catalogue in its body.');
        return advisories.importKev(actorOf(req), body);
      },
    );
  });

  await uploadScope(app, ['text/csv', 'application/gzip'], MAX_EPSS_UPLOAD_BYTES, (s) => {
    s.post(
      '/api/v1/epss',
      {
        bodyLimit: MAX_EPSS_UPLOAD_BYTES,
        schema: {
          tags: ['advisories'],
          summary: 'Import FIRST EPSS scores (the daily CSV, plain text/csv or gzip as published)',
          description:
            'Reference data: needs publish-reference. The file: a #model_version:…,score_date:… comment line, the header cve,epss,percentile, ' +
            'one CVE a line; a bad line refuses the file (422, errors point at /line/N). The exposures of advisories whose id or alias it ' +
            'scores are re-ranked (KEV, then EPSS, then CVSS); counts cover only the organizations the caller sees.',
          response: responses({ 200: EpssImportSummary }),
        },
      },
      async (req) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no EPSS file in its body.');
        return advisories.importEpss(actorOf(req), body);
      },
    );
  });

  await uploadScope(app, ['application/json', 'application/csaf+json'], MAX_CSAF_BYTES, (s) => {
    s.post(
      '/api/v1/csaf',
      {
        bodyLimit: MAX_CSAF_BYTES,
        schema: {
          tags: ['advisories'],
          summary:
            "Import a vendor's CSAF 2.0 advisory: one advisory per vulnerability, matched by the products' purls",
          description:
            'Reference data: needs publish-reference. The document must pass the CSAF 2.0 JSON schema and every mandatory test of ' +
            'section 6.1; otherwise 422 naming the failed tests, with errors[] of JSON pointers. known_affected (first_affected, ' +
            'last_affected) products with a purl that names a version become affected versions; fixed and known_not_affected ' +
            "products do not; products named only by a CPE are listed as unmapped. The advisories belong to the importer's " +
            'organization and the csaf feed.',
          response: responses({ 200: CsafImportSummary }),
        },
      },
      async (req) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no CSAF document in its body.');
        return advisories.importCsaf(actorOf(req), body);
      },
    );
  });
}
