// The TAXII 2.1 server (OASIS TAXII 2.1, sections 4 and 5) at /taxii2/: discovery, the API root
// `default`, collections (each organization's and the community's, can_read/can_write from the
// access rule), objects (GET, POST → 202 with a pending status resource, ingested by status-worker.ts), one object (GET, DELETE), its
// versions, the manifest and status resources. Media type application/taxii+json;version=2.1:
// 406 for an Accept that excludes it, 415 for another Content-Type, 413 over the limit, 422 for
// an envelope that is no envelope. Routes are public at the HTTP layer so that TLP:CLEAR objects of
// the community collection reach unauthenticated feed readers; the service applies the access
// rule to whoever is (or is not) authenticated. Console cookie sessions are not TAXII clients and
// are ignored here (no CSRF exposure); Bearer tokens and HTTP Basic with the token as password are.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/index.ts';
import { AppError, errors } from '../../platform/errors.ts';
import type { App } from '../../platform/http/server.ts';
import { type IntelService, type ListQuery, MAX_PAGE } from '../service.ts';
import type { StatusRow } from '../repo.ts';
import { TAXII_MEDIA_TYPE } from './client.ts';

export const TAXII_BODY_LIMIT = 20 * 1024 * 1024;
const ROOT = '/taxii2/default';

function actorOf(req: FastifyRequest): Actor | null {
  const auth = req.auth;
  if (!auth || auth.csrfToken !== undefined) return null;
  return auth.actor as Actor;
}

function requireActor(req: FastifyRequest): Actor {
  const a = actorOf(req);
  if (!a)
    throw errors.unauthenticated('TAXII: present a bearer token (or HTTP Basic with the token as password).');
  return a;
}

/** The TAXII error message resource (TAXII 2.1 3.6.1). */
function taxiiError(reply: FastifyReply, err: AppError): FastifyReply {
  if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="bulwark", Basic realm="bulwark"');
  return reply
    .code(err.status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(
      JSON.stringify({
        title: err.title,
        description: err.message,
        http_status: String(err.status),
        error_code: err.slug,
      }),
    );
}

function send(
  reply: FastifyReply,
  body: unknown,
  status = 200,
  dates?: { first?: string; last?: string },
): FastifyReply {
  if (dates?.first) reply.header('x-taxii-date-added-first', dates.first);
  if (dates?.last) reply.header('x-taxii-date-added-last', dates.last);
  return reply
    .code(status)
    .header('content-type', TAXII_MEDIA_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

/** TAXII 2.1 accepts its media type with version 2.1 (or no version), and any wildcard covering it. */
function acceptable(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part
      .trim()
      .toLowerCase()
      .split(';')
      .map((s) => s.trim());
    if (type === '*/*' || type === 'application/*') return true;
    if (type !== 'application/taxii+json') return false;
    const version = params.find((p) => p.startsWith('version='));
    return !version || version === 'version=2.1';
  });
}

const list = (v: unknown) =>
  typeof v === 'string' && v !== ''
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

function listQuery(q: Record<string, unknown>): ListQuery {
  const out: ListQuery = {};
  if (q.limit !== undefined) {
    const s = String(q.limit);
    if (!/^[1-9][0-9]{0,6}$/.test(s)) throw errors.badRequest("'limit' must be a positive integer.");
    out.limit = Math.min(Number(s), MAX_PAGE);
  }
  if (q.added_after !== undefined) out.addedAfter = String(q.added_after);
  if (q.next !== undefined) out.next = String(q.next);
  out.ids = list(q['match[id]']);
  out.types = list(q['match[type]']);
  out.versions = list(q['match[version]']);
  out.specVersions = list(q['match[spec_version]']);
  for (const v of out.versions ?? [])
    if (!['all', 'last', 'first'].includes(v) && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v))
      throw errors.badRequest("'match[version]' takes all, last, first or timestamps.");
  for (const v of out.specVersions ?? [])
    if (v !== '2.0' && v !== '2.1') throw errors.badRequest("'match[spec_version]' takes 2.0 or 2.1.");
  return out;
}

function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** The TAXII 2.1 status resource (5.4.1). */
function statusResource(st: StatusRow) {
  return {
    id: st.id,
    status: st.status,
    request_timestamp: new Date(st.requestTimestamp).toISOString(),
    total_count: st.totalCount,
    success_count: st.successCount,
    successes: st.successes,
    failure_count: st.failureCount,
    failures: st.failures,
    pending_count: st.pendingCount,
    pendings: st.pendings,
  };
}

export async function taxiiRoutes(app: App, intel: IntelService): Promise<void> {
  await app.register(async (scope) => {
    const s = scope as unknown as App;
    s.removeAllContentTypeParsers();
    s.addContentTypeParser(
      'application/taxii+json',
      { parseAs: 'string', bodyLimit: TAXII_BODY_LIMIT },
      (req, body, done) => {
        const version = /;\s*version=([^;\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
        if (version && version !== '2.1')
          return done(errors.unsupportedMediaType(req.headers['content-type'], [TAXII_MEDIA_TYPE]));
        try {
          done(null, JSON.parse(body as string));
        } catch (err) {
          done(errors.badRequest(`The body is not valid JSON: ${(err as Error).message}`));
        }
      },
    );
    s.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request, reply) => {
      let e: AppError;
      if (err instanceof AppError) e = err;
      else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413)
        e = errors.tooLarge(TAXII_BODY_LIMIT);
      else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
        e = errors.unsupportedMediaType(request.headers['content-type']?.slice(0, 100), [TAXII_MEDIA_TYPE]);
      else if (err.statusCode && err.statusCode < 500) e = errors.badRequest(err.message);
      else {
        request.log.error({ err }, 'TAXII request failed');
        e = errors.internal();
      }
      return taxiiError(reply, e);
    });
    s.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true } as typeof route.config;
      // Reads of discovery, collections, manifests and objects answer the anonymous (TLP:CLEAR
      // only); adding and deleting objects and reading a status resource need a bearer token.
      const anonymousRead = route.method === 'GET' && !route.url.includes('/status/');
      route.schema = {
        ...(route.schema ?? {}),
        tags: ['taxii'],
        security: anonymousRead ? [] : [{ bearer: [] }, { session: [] }],
        // Adding objects takes a TAXII envelope (5.4); the scope's parser reads it.
        ...(route.method === 'POST'
          ? { body: { content: { [TAXII_MEDIA_TYPE]: { schema: { description: 'A TAXII 2.1 envelope' } } } } }
          : {}),
      };
    });
    s.addHook('preHandler', async (req) => {
      if (!acceptable(req.headers.accept))
        throw new AppError(
          406,
          'not-acceptable',
          'Not acceptable',
          `TAXII answers ${TAXII_MEDIA_TYPE}; the Accept header excludes it.`,
        );
    });

    s.get('/taxii2/', async (req, reply) => {
      const actor = actorOf(req);
      return send(reply, {
        title: 'Bulwark TAXII 2.1 server',
        description: 'Threat intelligence of the federation, shared by TLP 2.0.',
        default: `${origin(req)}${ROOT}/`,
        api_roots: [`${origin(req)}${ROOT}/`],
        ...(actor ? { contact: actor.org.id } : {}),
      });
    });

    s.get(`${ROOT}/`, async (_req, reply) =>
      send(reply, {
        title: 'Bulwark default API root',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: TAXII_BODY_LIMIT,
      }),
    );

    s.get<{ Params: { id: string } }>(`${ROOT}/status/:id/`, async (req, reply) =>
      send(reply, statusResource(await intel.status(requireActor(req), req.params.id))),
    );

    const collectionResource = (c: Awaited<ReturnType<IntelService['collection']>>) => ({
      id: c.id,
      title: c.title,
      description: c.description,
      can_read: c.canRead,
      can_write: c.canWrite,
      media_types: ['application/stix+json;version=2.1'],
    });

    s.get(`${ROOT}/collections/`, async (req, reply) => {
      const cols = await intel.collections(actorOf(req));
      return send(reply, cols.length ? { collections: cols.map(collectionResource) } : {});
    });

    s.get<{ Params: { collection: string } }>(`${ROOT}/collections/:collection/`, async (req, reply) =>
      send(reply, collectionResource(await intel.collection(actorOf(req), req.params.collection))),
    );

    s.get<{ Params: { collection: string }; Querystring: Record<string, unknown> }>(
      `${ROOT}/collections/:collection/objects/`,
      async (req, reply) => {
        const page = await intel.objects(actorOf(req), req.params.collection, listQuery(req.query));
        return send(
          reply,
          {
            more: page.more,
            ...(page.next ? { next: page.next } : {}),
            ...(page.objects.length ? { objects: page.objects } : {}),
          },
          200,
          page,
        );
      },
    );

    s.post<{ Params: { collection: string }; Body: unknown }>(
      `${ROOT}/collections/:collection/objects/`,
      async (req, reply) => {
        const actor = requireActor(req);
        const env = req.body as { objects?: unknown } | null;
        if (!env || typeof env !== 'object' || Array.isArray(env) || !Array.isArray(env.objects))
          throw errors.unprocessable(
            "A TAXII envelope is an object whose 'objects' is an array of STIX objects.",
          );
        // 202 at once: the objects are ingested by the status worker, the status says when.
        return send(
          reply,
          statusResource(await intel.submit(actor, req.params.collection, env.objects)),
          202,
        );
      },
    );

    s.get<{ Params: { collection: string; id: string }; Querystring: Record<string, unknown> }>(
      `${ROOT}/collections/:collection/objects/:id/`,
      async (req, reply) => {
        const q = { ...listQuery(req.query), ids: [req.params.id] };
        const page = await intel.objects(actorOf(req), req.params.collection, q);
        if (page.objects.length === 0 && !q.next) throw errors.notFound('The object');
        return send(
          reply,
          { more: page.more, ...(page.next ? { next: page.next } : {}), objects: page.objects },
          200,
          page,
        );
      },
    );

    s.delete<{ Params: { collection: string; id: string }; Querystring: Record<string, unknown> }>(
      `${ROOT}/collections/:collection/objects/:id/`,
      async (req, reply) => {
        await intel.deleteObject(
          requireActor(req),
          req.params.collection,
          req.params.id,
          listQuery(req.query).versions,
        );
        return reply.code(200).header('content-type', TAXII_MEDIA_TYPE).send('');
      },
    );

    s.get<{ Params: { collection: string; id: string }; Querystring: Record<string, unknown> }>(
      `${ROOT}/collections/:collection/objects/:id/versions/`,
      async (req, reply) => {
        const { versions: _ignored, ...q } = listQuery(req.query);
        const v = await intel.versions(actorOf(req), req.params.collection, req.params.id, q);
        return send(
          reply,
          { more: v.more, ...(v.next ? { next: v.next } : {}), versions: v.versions },
          200,
          v,
        );
      },
    );

    s.get<{ Params: { collection: string }; Querystring: Record<string, unknown> }>(
      `${ROOT}/collections/:collection/manifest/`,
      async (req, reply) => {
        const m = await intel.manifest(actorOf(req), req.params.collection, listQuery(req.query));
        return send(
          reply,
          {
            more: m.more,
            ...(m.next ? { next: m.next } : {}),
            ...(m.entries.length
              ? {
                  objects: m.entries,
                }
              : {}),
          },
          200,
          m,
        );
      },
    );
  });
}
