// Upload routes that take a raw document (an SBOM, an OSV archive, the KEV catalogue) rather
// than a JSON request: an encapsulated Fastify scope with its own media types and body limit,
// both also written into the OpenAPI document.
import { errors } from '../errors.ts';
import type { App } from './server.ts';

/**
 * Registers raw-body parsers for upload routes in an encapsulated scope, with their own body
 * limit; a body over the limit answers the 413 problem naming that limit.
 */
export function uploadScope(
  app: App,
  mediaTypes: string[],
  limit: number,
  routes: (scope: App) => void,
): Promise<void> {
  return app.register(async (scope) => {
    const s = scope as unknown as App;
    s.removeAllContentTypeParsers();
    // The OpenAPI document lists the media types an upload takes: a route without its own body
    // schema gets one per media type that describes the raw document (validation accepts any
    // bytes; the route's parser judges them).
    s.addHook('onRoute', (route) => {
      if (!route.schema || route.schema.body !== undefined) return;
      const content = Object.fromEntries(
        mediaTypes.map((t) => [
          t,
          { schema: { description: `The document as ${t}, at most ${limit} bytes` } },
        ]),
      );
      route.schema = { ...route.schema, body: { content } };
    });
    s.addContentTypeParser(mediaTypes, { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) =>
      done(null, body),
    );
    // The scope's own limit and media types name themselves in the problem; everything else goes
    // to the server's problem handler.
    s.setErrorHandler((err: Error & { code?: string; statusCode?: number }, request) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) throw errors.tooLarge(limit);
      if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
        throw errors.unsupportedMediaType(request.headers['content-type']?.slice(0, 100), mediaTypes);
      throw err;
    });
    routes(s);
  }) as unknown as Promise<void>;
}
