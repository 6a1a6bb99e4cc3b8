// HTTP routes of the assets domain: assets, SBOM history and SBOM uploads. Uploads take the raw
// document (JSON, CycloneDX or SPDX media types) up to SBOM_BODY_LIMIT bytes; the service
// validates it against the standard's schema and answers 422 with the schema errors.
import { Type } from 'typebox';
import { errors } from '../platform/errors.ts';
import type { App } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { IdParams, ListOf, responses } from '../platform/http/schemas.ts';
import { uploadScope } from '../platform/http/uploads.ts';
import {
  Asset,
  AssetListQuery,
  CreateAsset,
  CRITICALITIES,
  Sbom,
  SbomDetail,
  SbomImportResult,
  UpdateAsset,
} from './schema.ts';
import type { AssetService } from './service.ts';

/** The largest SBOM upload accepted over HTTP (the converter itself refuses more than 64 MB). */
export const SBOM_BODY_LIMIT = 50 * 1024 * 1024;

const SBOM_MEDIA_TYPES = [
  'application/json',
  'application/vnd.cyclonedx+json',
  'application/spdx+json',
  'application/octet-stream',
];

const ImportQuery = Type.Object(
  {
    asset: Type.String({ minLength: 1, maxLength: 200 }),
    org: Type.Optional(Type.String({ format: 'uuid' })),
    criticality: Type.Optional(
      Type.Unsafe<(typeof CRITICALITIES)[number]>({ type: 'string', enum: [...CRITICALITIES] }),
    ),
  },
  { additionalProperties: false },
);

export async function assetRoutes(app: App, assets: AssetService): Promise<void> {
  app.get(
    '/api/v1/assets',
    {
      schema: {
        tags: ['assets'],
        summary: 'Assets visible to the caller',
        querystring: AssetListQuery,
        response: responses({ 200: ListOf(Asset) }),
      },
    },
    async (req) => assets.list(actorOf(req), req.query),
  );

  app.post(
    '/api/v1/assets',
    {
      schema: {
        tags: ['assets'],
        summary: "Register an asset of the caller's organization (or of one it may write for)",
        body: CreateAsset,
        response: responses({ 201: Asset }),
      },
    },
    async (req, reply) => reply.code(201).send(await assets.create(actorOf(req), req.body)),
  );

  app.get(
    '/api/v1/assets/:id',
    { schema: { tags: ['assets'], params: IdParams, response: responses({ 200: Asset }) } },
    async (req) => assets.get(actorOf(req), req.params.id),
  );

  app.patch(
    '/api/v1/assets/:id',
    {
      schema: {
        tags: ['assets'],
        summary:
          'Change kind, criticality, critical-infrastructure designation or endpoints; exposures are re-ranked',
        params: IdParams,
        body: UpdateAsset,
        response: responses({ 200: Asset }),
      },
    },
    async (req) => assets.update(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/v1/assets/:id/sboms',
    {
      schema: {
        tags: ['assets'],
        summary: 'SBOM history of an asset, newest first',
        params: IdParams,
        response: responses({ 200: ListOf(Sbom) }),
      },
    },
    async (req) => ({ items: await assets.listSboms(actorOf(req), req.params.id) }),
  );

  app.get(
    '/api/v1/assets/:id/sbom',
    {
      schema: {
        tags: ['assets'],
        summary: 'The current SBOM of an asset with its components and dependency graph',
        params: IdParams,
        response: responses({ 200: SbomDetail }),
      },
    },
    async (req) => {
      const detail = await assets.currentSbom(actorOf(req), req.params.id);
      if (!detail) throw errors.notFound('The SBOM of this asset');
      return detail;
    },
  );

  app.get(
    '/api/v1/sboms/:id',
    { schema: { tags: ['assets'], params: IdParams, response: responses({ 200: SbomDetail }) } },
    async (req) => assets.getSbom(actorOf(req), req.params.id),
  );

  await uploadScope(app, SBOM_MEDIA_TYPES, SBOM_BODY_LIMIT, (s) => {
    s.post(
      '/api/v1/assets/:id/sboms',
      {
        bodyLimit: SBOM_BODY_LIMIT,
        schema: {
          tags: ['assets'],
          summary: 'Upload a CycloneDX 1.4–1.6 or SPDX 2.2/2.3 JSON SBOM as the new version of an asset',
          params: IdParams,
          response: responses({ 201: SbomImportResult }),
        },
      },
      async (req, reply) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no SBOM in its body.');
        return reply.code(201).send(await assets.importSbom(actorOf(req), { asset: req.params.id }, body));
      },
    );
    s.post(
      '/api/v1/sboms',
      {
        bodyLimit: SBOM_BODY_LIMIT,
        schema: {
          tags: ['assets'],
          summary: 'Upload an SBOM for an asset named in the query, creating the asset when missing',
          querystring: ImportQuery,
          response: responses({ 201: SbomImportResult }),
        },
      },
      async (req, reply) => {
        const body = req.body as Buffer | undefined;
        if (!body?.length) throw errors.badRequest('The request has no SBOM in its body.');
        const q = req.query;
        const result = await assets.importSbom(
          actorOf(req),
          { name: q.asset, org: q.org, create: q.criticality ? { criticality: q.criticality } : {} },
          body,
        );
        return reply.code(201).send(result);
      },
    );
  });
}
