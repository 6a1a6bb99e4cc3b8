// The organizations domain's surface for other domains: OrgService (sign-in in src/auth reads a
// user's credentials through it, never through the users table), the role schema, and the local
// administrator the command line acts as.
export type { UserRow } from './repo.ts';
export { localAdministrator } from './local-admin.ts';
export { RoleSchema } from './schema.ts';
export { OrgService, type UserSessions } from './service.ts';
export { orgRoutes } from './routes.ts';
export { type DemoCredentials, seedDemoIfEmpty, systemActor } from './demo.ts';
