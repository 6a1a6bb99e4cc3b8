// HTTP routes of the intel domain: the REST API for the console and scripts (/api/v1/intel: bundle
// import, search, an object's page, revocation, the matcher, sightings, the access log, feeds),
// and the TAXII 2.1 server (taxii/routes.ts).
import { Type } from 'typebox';
import { actorOf } from '../access/index.ts';
import type { App } from '../platform/http/server.ts';
import { IdParams, ListOf, responses } from '../platform/http/schemas.ts';
import type { FeedService } from './feeds.ts';
import type { LinkService } from './links.ts';
import {
  AccessEntry,
  Collection,
  CreateFeed,
  Feed,
  FeedLogEntry,
  FeedRunResult,
  ImportBundle,
  IngestResult,
  CreateLink,
  Link,
  LinkQuery,
  MatchRequest,
  MatchResult,
  ObjectDetail,
  ObjectSummary,
  SearchQuery,
  Sighting,
  SightingQuery,
  StixIdParams,
} from './schema.ts';
import type { IntelService } from './service.ts';
import { taxiiRoutes } from './taxii/routes.ts';

export async function intelRoutes(
  app: App,
  intel: IntelService,
  feeds: FeedService,
  links: LinkService,
): Promise<void> {
  const tags = ['intel'];
  app.get(
    '/api/v1/intel/collections',
    {
      schema: {
        tags,
        summary: 'Collections the caller may read',
        response: responses({ 200: ListOf(Collection) }),
      },
    },
    async (req) => ({ items: await intel.collections(actorOf(req)) }),
  );

  app.post(
    '/api/v1/intel/bundles',
    {
      schema: {
        tags,
        summary:
          "Import a STIX 2.1 bundle into a collection (default: the caller's organization's); each object succeeds or fails with its reason",
        body: ImportBundle,
        response: responses({ 200: IngestResult }),
      },
    },
    async (req) =>
      intel.importBundle(actorOf(req), req.body.bundle, {
        collection: req.body.collection,
        org: req.body.org,
      }),
  );

  app.get(
    '/api/v1/intel/collections/:id/export',
    {
      schema: {
        tags,
        summary: 'Every object version of a collection the caller may see, as a STIX bundle (audited)',
        params: IdParams,
        response: responses({ 200: Type.Object({}, { additionalProperties: true }) }),
      },
    },
    async (req) => intel.exportBundle(actorOf(req), req.params.id),
  );

  app.get(
    '/api/v1/intel/objects',
    {
      schema: {
        tags,
        summary: 'Search objects (latest versions) the caller may see',
        querystring: SearchQuery,
        response: responses({ 200: ListOf(ObjectSummary) }),
      },
    },
    async (req) => ({ items: await intel.search(actorOf(req), req.query) }),
  );

  app.get(
    '/api/v1/intel/objects/:id',
    {
      schema: {
        tags,
        summary: 'An object with its versions, markings, relationships and (indicators) life cycle',
        params: StixIdParams,
        response: responses({ 200: ObjectDetail }),
      },
    },
    async (req) => intel.detail(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/intel/objects/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke an object (a new version with revoked: true); a revoked indicator stops matching',
        params: StixIdParams,
        response: responses({ 200: IngestResult }),
      },
    },
    async (req) => intel.revoke(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/intel/match',
    {
      schema: {
        tags,
        summary:
          'Check up to 10,000 observables (or those extracted from a log excerpt) against the live indicators the caller may see; hits become sightings',
        body: MatchRequest,
        response: responses({ 200: MatchResult }),
      },
    },
    async (req) => intel.match(actorOf(req), req.body),
  );

  app.get(
    '/api/v1/intel/sightings',
    {
      schema: {
        tags,
        summary: "Sightings by the organizations the caller sees and of its organization's indicators",
        querystring: SightingQuery,
        response: responses({ 200: ListOf(Sighting) }),
      },
    },
    async (req) => ({ items: await intel.sightings(actorOf(req), req.query.indicator) }),
  );

  app.get(
    '/api/v1/intel/access-log',
    {
      schema: {
        tags,
        summary: 'Who read, pulled, matched or exported intelligence (administrators and auditors)',
        response: responses({ 200: ListOf(AccessEntry) }),
      },
    },
    async (req) => ({ items: await intel.accessLog(actorOf(req)) }),
  );

  app.get(
    '/api/v1/intel/feeds',
    { schema: { tags, summary: 'Remote TAXII feeds', response: responses({ 200: ListOf(Feed) }) } },
    async (req) => ({ items: await feeds.list(actorOf(req)) }),
  );

  app.post(
    '/api/v1/intel/feeds',
    {
      schema: {
        tags,
        summary: 'Add a remote TAXII collection to pull from or push to',
        body: CreateFeed,
        response: responses({ 201: Feed }),
      },
    },
    async (req, reply) => reply.code(201).send(await feeds.create(actorOf(req), req.body)),
  );

  app.post(
    '/api/v1/intel/feeds/:id/run',
    {
      schema: {
        tags,
        summary: 'Run a feed now',
        params: IdParams,
        response: responses({ 200: FeedRunResult }),
      },
    },
    async (req) => feeds.runAs(actorOf(req), req.params.id),
  );

  app.get(
    '/api/v1/intel/feeds/:id/log',
    {
      schema: {
        tags,
        summary: "A feed's per-object outcomes, newest first",
        params: IdParams,
        response: responses({ 200: ListOf(FeedLogEntry) }),
      },
    },
    async (req) => ({ items: await feeds.outcomes(actorOf(req), req.params.id) }),
  );

  app.get(
    '/api/v1/intel/links',
    {
      schema: {
        tags,
        summary: "An incident's linked indicators and sightings, or the incidents that link a target",
        querystring: LinkQuery,
        response: responses({ 200: ListOf(Link) }),
      },
    },
    async (req) => ({ items: await links.list(actorOf(req), req.query) }),
  );

  app.post(
    '/api/v1/intel/links',
    {
      schema: {
        tags,
        summary: 'Link an indicator or sighting to an incident',
        body: CreateLink,
        response: responses({ 201: Link }),
      },
    },
    async (req, reply) => reply.code(201).send(await links.create(actorOf(req), req.body)),
  );

  app.delete(
    '/api/v1/intel/links/:id',
    {
      schema: {
        tags,
        summary: 'Remove a link between an incident and an indicator or sighting',
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await links.remove(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  await taxiiRoutes(app, intel);
}
