// Shared OpenAPI pieces: the RFC 9457 problem document and the standard error responses.
import { type TSchema, Type } from 'typebox';

export const Problem = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
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
