// How a route handler learns who is calling. The app's authenticate function (src/app/server.ts)
// puts an Actor on the request; platform's HTTP stack carries it opaquely, since it sits below
// this layer.
import type { FastifyRequest } from 'fastify';
import { errors } from '../platform/errors.ts';
import type { Actor } from './policy.ts';

/** The authenticated actor of a route that requires one (the onRequest hook guarantees it). */
export function actorOf(request: FastifyRequest): Actor {
  const actor = request.auth?.actor;
  if (!actor) throw errors.unauthenticated();
  return actor as Actor;
}
