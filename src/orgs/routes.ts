// HTTP routes of the organizations domain: thin, they validate, call the service and present.
import { Type } from 'typebox';
import type { App } from '../platform/http/server.ts';
import { actorOf } from '../access/index.ts';
import { IdParams, ListOf, responses } from '../platform/http/schemas.ts';
import type { OrgService } from './service.ts';
import {
  CreateOrganization,
  CreateUser,
  Organization,
  OrgListQuery,
  User,
  UpdateOrganization,
  UpdateUser,
  UserListQuery,
} from './schema.ts';

export async function orgRoutes(app: App, orgs: OrgService): Promise<void> {
  app.get(
    '/api/v1/orgs',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Organizations visible to the caller, in tree order',
        querystring: OrgListQuery,
        response: responses({ 200: ListOf(Organization) }),
      },
    },
    async (req) => ({ items: await orgs.listOrgs(actorOf(req), req.query) }),
  );

  app.get(
    '/api/v1/orgs/:id',
    {
      schema: { tags: ['organizations'], params: IdParams, response: responses({ 200: Organization }) },
    },
    async (req) => orgs.getOrg(actorOf(req), req.params.id),
  );

  app.post(
    '/api/v1/orgs',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create a child organization (administrators of the parent or above)',
        body: CreateOrganization,
        response: responses({ 201: Organization }),
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.createOrg(actorOf(req), req.body)),
  );

  app.patch(
    '/api/v1/orgs/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Rename an organization or change its critical-infrastructure flag',
        params: IdParams,
        body: UpdateOrganization,
        response: responses({ 200: Organization }),
      },
    },
    async (req) => orgs.updateOrg(actorOf(req), req.params.id, req.body),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'Rename, change the roles of, disable or re-enable a user (ends its sessions)',
        params: IdParams,
        body: UpdateUser,
        response: responses({ 200: User }),
      },
    },
    async (req) => orgs.updateUser(actorOf(req), req.params.id, req.body),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users of the organizations visible to the caller, by username',
        querystring: UserListQuery,
        response: responses({ 200: ListOf(User) }),
      },
    },
    async (req) => ({ items: await orgs.listUsers(actorOf(req), req.query) }),
  );

  app.post(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user in an organization the caller administers',
        body: CreateUser,
        response: responses({ 201: User }),
      },
    },
    async (req, reply) => reply.code(201).send(await orgs.createUser(actorOf(req), req.body)),
  );

  // A bare reference point for the benchmark and for load balancers: no auth, no database.
  app.get(
    '/api/v1/ping',
    {
      config: { public: true },
      schema: { tags: ['health'], response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    },
    async () => ({ ok: true }),
  );
}
