// The walk over every operation of the served OpenAPI document that the security sweep and the
// contract test of the document share: method, path, parameters, the media types of the request
// body with the JSON body's schema, and whether the document says the operation is public.

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema | Schema[];
  prefixItems?: Schema[];
  enum?: unknown[];
  format?: string;
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
}

export interface Operation {
  method: string;
  path: string;
  /** The document says no credentials are needed (`security: []` on the operation). */
  public: boolean;
  params: { name: string; in: string }[];
  /** The schema of the application/json request body, when the operation takes one. */
  body?: Schema;
  /** Every media type of the request body the document declares. */
  mediaTypes: string[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  security?: unknown[];
}

/** An id that names nothing, for path parameters. */
export const ZERO_ID = '00000000-0000-4000-8000-000000000000';

/** The path with every `{parameter}` replaced by `value`. */
export const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, value);

export function operations(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content;
      // An operation's own `security` replaces the document's; an empty list means no credentials.
      const security = (op.security as unknown[] | undefined) ?? doc.security ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        public: security.length === 0,
        params: (op.parameters as { name: string; in: string }[] | undefined) ?? [],
        body: content?.['application/json']?.schema,
        mediaTypes: Object.keys(content ?? {}),
      });
    }
  }
  return out;
}
