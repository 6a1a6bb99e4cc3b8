// The auth domain's surface: the service (sessions, sign-in, API tokens) and its routes, for the
// composition root. Other domains never read sessions or tokens.
export { AuthService } from './service.ts';
export { authRoutes } from './routes.ts';
