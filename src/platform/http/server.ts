// The HTTP stack that knows nothing of the domains: Fastify with strict validation, RFC 9457
// errors, security headers, request ids, OpenAPI, authentication (through a function the app
// supplies) and CSRF protection for cookie sessions. Every route requires an actor unless it is
// marked `config: { public: true }`; answers default to Cache-Control: no-store.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from 'helmet';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Config } from '../config.ts';
import { errors } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { EarlyListener } from './early.ts';
import { installProblemHandlers } from './problems.ts';
import { Problem } from './schemas.ts';
import { validatorCompiler } from './validation.ts';

export const SESSION_COOKIE = 'bulwark_session';

/**
 * What the app's authenticate function found. `actor` is the access layer's Actor: platform sits
 * below src/access and carries it without knowing its shape (`actorOf` in src/access reads it).
 */
export interface Authentication {
  actor: object;
  /** Present when the actor came from a session cookie: state changes must echo it. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authentication | null;
  }
  interface FastifyContextConfig {
    /** The route answers without authentication. */
    public?: boolean;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpOptions {
  config: Config;
  log: Logger;
  authenticate(request: FastifyRequest): Promise<Authentication | null>;
  /** Built console (index.html and assets) served at /, with index.html for unknown page paths. */
  consoleDir?: string;
  /** A server already listening (see early.ts): the app adopts it instead of listening itself. */
  listener?: EarlyListener;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export async function createHttpServer(opts: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.log,
    bodyLimit: opts.config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Per-request log lines only at debug level; errors are always logged by the problem handler.
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: opts.config.logLevel !== 'debug' && opts.config.logLevel !== 'trace',
    }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(opts.listener ? { serverFactory: opts.listener.adopt } : {}),
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.addSchema(Problem);
  // Only JSON bodies are accepted unless a route registers its own parser (uploads do).
  app.removeContentTypeParser(['text/plain']);
  const consoleDir =
    opts.consoleDir && existsSync(join(opts.consoleDir, 'index.html')) ? opts.consoleDir : undefined;
  installProblemHandlers(app, opts.config.bodyLimit, (request, reply) => {
    // The console is a single-page app: unknown page paths get its shell, API paths a problem.
    // Judged on the decoded, slash-collapsed, lower-cased path, so that '//api/…' or '/%61pi/…'
    // gets a problem like '/api/…' rather than the shell.
    const path = decodedPath(request.url);
    if (
      !consoleDir ||
      (request.method !== 'GET' && request.method !== 'HEAD') ||
      /^\/(api|ledger|taxii2)\//.test(path) ||
      /\.[a-z0-9]+$/i.test(path)
    ) {
      return undefined;
    }
    return reply.type('text/html').sendFile('index.html');
  });
  if (consoleDir) {
    // reply.sendFile for the shell above; the files themselves are served from the public scope below.
    await app.register(fastifyStatic, { root: consoleDir, serve: false });
  } else if (opts.consoleDir) {
    opts.log.warn(`console not built (${opts.consoleDir} has no index.html): run 'npm run build:console'`);
  }

  app.decorateRequest('auth', null);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Answers are personal or carry secrets (tokens, sessions) unless a route says otherwise
    // (the public ledger and the console's files set their own caching).
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });

  await app.register(cookie);
  // Security headers by helmet, its middleware built once at start (the @fastify/helmet plugin built
  // it again for every request: the CSP directives parsed each time, 2-3 % of a report's intake).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
    hsts: opts.config.secureCookies,
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });

  // The document tells the truth about authentication: a route that is public at the HTTP layer
  // (`config.public`) is documented `security: []` unless it declares its own `security` (a scope
  // that is public only to let its handlers decide, like TAXII, says which of its routes are open).
  app.addHook('onRoute', (route) => {
    const config = route.config as { public?: boolean } | undefined;
    if (config?.public === true && route.schema && route.schema.security === undefined)
      route.schema = { ...route.schema, security: [] };
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bulwark API',
        version: '1.0.0',
        description:
          'Coordinate cyber security across a federation. Errors are RFC 9457 application/problem+json. ' +
          'Authenticate with a bearer token (Authorization: Bearer bwk_…) or a console session cookie plus x-csrf-token.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  // Plugins whose routes are public by nature (the console's files, the API documentation) are
  // registered in a scope that marks each of their routes `public` explicitly.
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), public: true } as typeof route.config;
    });
    await scope.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
    if (consoleDir) {
      await scope.register(fastifyStatic, {
        root: consoleDir,
        prefix: '/',
        wildcard: false,
        index: ['index.html'],
        decorateReply: false,
      });
    }
  });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  app.addHook('onRequest', async (request) => {
    const auth = await opts.authenticate(request);
    request.auth = auth;
    // Decide on the route the router matched, never on the raw URL: the router decodes
    // '/%61pi/v1/users' to '/api/v1/users', a string test of request.url does not (issue 8 #3).
    // Every matched route requires an actor unless it is explicitly public; an unmatched path
    // answers 404 (or the console shell) to anyone, which says nothing the OpenAPI document does not.
    const matched = request.routeOptions.url !== undefined;
    if (!matched || request.routeOptions.config?.public === true) return;
    if (!auth) throw errors.unauthenticated();
    if (auth.csrfToken !== undefined && !SAFE_METHODS.has(request.method)) {
      if (request.headers['x-csrf-token'] !== auth.csrfToken) throw errors.csrf();
    }
  });

  return app;
}

function decodedPath(url: string): string {
  const raw = url.split('?')[0]!;
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // Malformed escapes: judge the raw text.
  }
  return path.replace(/\/+/g, '/').toLowerCase();
}
