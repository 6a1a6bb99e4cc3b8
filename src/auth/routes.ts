// HTTP routes of sign-in, sessions and API tokens.
import { Type } from 'typebox';
import { errors } from '../platform/errors.ts';
import { type App, SESSION_COOKIE } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { IdParams, ListOf, responses } from '../platform/http/schemas.ts';
import { ApiToken, CreatedToken, CreateToken, SessionInfo, SignIn, TokenListQuery } from './schema.ts';
import type { AuthService } from './service.ts';

export async function authRoutes(
  app: App,
  auth: AuthService,
  opts: { secureCookies: boolean; ttlSeconds: number },
) {
  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Sign in to the console; sets an HttpOnly, SameSite=Strict session cookie',
        body: SignIn,
        response: responses({ 200: SessionInfo }),
      },
    },
    async (req, reply) => {
      const { cookie, info } = await auth.signIn(req.body.username, req.body.password, req.ip);
      reply.setCookie(SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        path: '/',
        maxAge: opts.ttlSeconds,
      });
      return info;
    },
  );

  app.get(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'The signed-in session',
        response: responses({ 200: SessionInfo }),
      },
    },
    async (req) => {
      const a = req.auth;
      if (!a || a.csrfToken === undefined) throw errors.unauthenticated('No console session; sign in first.');
      const session = await auth.resolveSession(req.cookies[SESSION_COOKIE] ?? '');
      if (!session) throw errors.unauthenticated('The session has expired.');
      return auth.describe(session);
    },
  );

  app.delete(
    '/api/v1/session',
    { schema: { tags: ['session'], summary: 'Sign out', response: responses({ 204: Type.Null() }) } },
    async (req, reply) => {
      const c = req.cookies[SESSION_COOKIE];
      if (c) await auth.signOut(c);
      // The same attributes as at sign-in, so the browser matches and drops the cookie.
      reply.clearCookie(SESSION_COOKIE, {
        httpOnly: true,
        sameSite: 'strict',
        secure: opts.secureCookies,
        path: '/',
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'API tokens of the organizations visible to the caller (never their secrets), newest first',
        querystring: TokenListQuery,
        response: responses({ 200: ListOf(ApiToken) }),
      },
    },
    async (req) => ({ items: await auth.listTokens(actorOf(req), req.query) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Issue a bearer token for an organization the caller administers',
        body: CreateToken,
        response: responses({ 201: CreatedToken }),
      },
    },
    async (req, reply) => reply.code(201).send(await auth.createToken(actorOf(req), req.body)),
  );

  app.post(
    '/api/v1/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: "End the sign-in throttle of a user's account (administrators of its organization)",
        params: IdParams,
        response: responses({ 204: Type.Null() }),
      },
    },
    async (req, reply) => {
      await auth.unlockUser(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token',
        params: IdParams,
        response: responses({ 200: ApiToken }),
      },
    },
    async (req) => auth.revokeToken(actorOf(req), req.params.id),
  );
}
