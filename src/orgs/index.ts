// The organizations domain's surface for other domains beyond OrgService: sign-in (src/auth)
// reads a user's credentials through these functions, never
// through the users table.
export {
  findUser,
  findUserByUsername,
  type UserRow,
} from './repo.ts';
export { RoleSchema } from './schema.ts';
export { OrgService, type UserSessions } from './service.ts';
export { orgRoutes } from './routes.ts';
export { type DemoCredentials, seedDemoIfEmpty, systemActor } from './demo.ts';
