// Shared OpenAPI pieces: the RFC 9457 problem document and the standard error responses, and the
// building blocks every domain's schema uses (ids, id parameters, lists, string enumerations).
import { type TSchema, Type } from 'typebox';
import { CONFLICT_TYPES, TYPE_BASE } from '../errors.ts';

/** The id of a stored record (UUID). */
export const Id = Type.String({ format: 'uuid' });

/** Path parameters of a route addressing one record: `/…/:id`. */
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });

/** A list response: the items, and the total matching the filter where the list is paged. */
export const ListOf = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Optional(Type.Integer()) });

/** A string that is one of `values`, typed as their union. */
export const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Problem = Type.Object(
  {
    type: Type.String({
      format: 'uri',
      description:
        `${TYPE_BASE}<slug>. A 409 a client must tell apart has its own type: ` +
        Object.entries(CONFLICT_TYPES)
          .map(([slug, title]) => `${slug} (${title})`)
          .join(', '),
    }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

const ref = Type.Unsafe<unknown>({ $ref: 'Problem#' });

/** Response map for a route: its success schema(s) plus the problem document for every error. */
export function responses(ok: Record<number, TSchema>): Record<string, TSchema> {
  return { ...ok, '4xx': ref, '5xx': ref };
}
