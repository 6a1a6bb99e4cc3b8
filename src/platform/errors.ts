// The one catalogue of errors that may leave the server. Each renders as RFC 9457
// application/problem+json; handlers throw these and never pick status codes themselves.

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Extension member: individual validation errors, each with a JSON pointer. */
  errors?: { pointer: string; detail: string }[];
  [extension: string]: unknown;
}

export const TYPE_BASE = 'https://bulwark.example/problems/';

/**
 * Conflicts a client must tell apart, each with its own problem type (`TYPE_BASE` + slug) instead
 * of the generic `conflict`: slug → title. The OpenAPI document lists them.
 */
export const CONFLICT_TYPES = {
  'username-taken': 'Username not available',
  'root-exists': 'The coordination centre exists',
  'asset-exists': 'Asset exists',
  'own-account': 'Would lock yourself out',
  'exposure-resolved': 'Exposure resolved',
  'not-yet-in-log': 'Not yet in the log',
  'advisory-source': 'Advisory of another source',
} as const;

const conflictOf = (slug: keyof typeof CONFLICT_TYPES, detail: string) =>
  new AppError(409, slug, CONFLICT_TYPES[slug], detail);

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  toProblem(instance?: string): ProblemDetails {
    return {
      type: TYPE_BASE + this.slug,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export const errors = {
  badRequest: (detail: string, errs?: { pointer: string; detail: string }[]) =>
    new AppError(400, 'bad-request', 'Bad request', detail, errs ? { errors: errs } : {}),
  validation: (detail: string, errs: { pointer: string; detail: string }[]) =>
    new AppError(400, 'validation', 'Request does not match the schema', detail, { errors: errs }),
  malformedJson: (detail: string) => new AppError(400, 'malformed-json', 'Malformed JSON', detail),
  unauthenticated: (detail = 'Sign in or present a valid bearer token.') =>
    new AppError(401, 'unauthenticated', 'Authentication required', detail),
  forbidden: (detail: string) => new AppError(403, 'forbidden', 'Forbidden', detail),
  csrf: () =>
    new AppError(
      403,
      'csrf',
      'CSRF check failed',
      'State-changing requests from the console need the x-csrf-token header of the session.',
    ),
  notFound: (what: string) =>
    new AppError(404, 'not-found', 'Not found', `${what} does not exist or is not visible to you.`),
  methodNotAllowed: (detail: string) => new AppError(405, 'method-not-allowed', 'Method not allowed', detail),
  conflict: (detail: string) => new AppError(409, 'conflict', 'Conflict', detail),
  /** A user with this username exists (anywhere: usernames are global); says nothing of where. */
  usernameTaken: (detail = 'This username is not available; choose another.') =>
    conflictOf('username-taken', detail),
  /** The tree already has its root, the coordination centre. */
  rootExists: () => conflictOf('root-exists', 'The coordination centre already exists.'),
  /** The organization already has an asset of that name. */
  assetExists: (detail: string) => conflictOf('asset-exists', detail),
  /** An administrator tried to disable itself or drop its own administrator role. */
  ownAccount: (detail: string) => conflictOf('own-account', detail),
  /** A resolved exposure cannot be changed by hand; it reopens by itself. */
  exposureResolved: (detail: string) => conflictOf('exposure-resolved', detail),
  /** The advisory belongs to another source (organization + feed): only it updates or withdraws it. */
  advisorySource: (detail: string) => conflictOf('advisory-source', detail),
  /** The record is committed but the sequencer has not yet put it in the log: ask again soon. */
  notYetInLog: (detail: string) => conflictOf('not-yet-in-log', detail),
  tooLarge: (limit: number, detail = `The request body exceeds the limit of ${limit} bytes.`) =>
    new AppError(413, 'too-large', 'Payload too large', detail, { limit }),
  unsupportedMediaType: (got: string | undefined, expected: string[]) =>
    new AppError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `Content-Type ${got ? `'${got}'` : '(none)'} is not accepted here; send ${expected.join(' or ')}.`,
      // Extension member: the media types the operation takes (the OpenAPI document lists the same).
      { accepted: expected },
    ),
  unprocessable: (detail: string, errs?: { pointer: string; detail: string }[]) =>
    new AppError(422, 'unprocessable', 'Unprocessable content', detail, errs ? { errors: errs } : {}),
  /** A per-user or per-organization cap (tokens, sessions …) is reached; `limit` names it. */
  quotaExceeded: (quota: string, limit: number, detail: string) =>
    new AppError(409, 'quota-exceeded', 'Quota exceeded', detail, { quota, limit }),
  tooManyRequests: (retryAfterSeconds: number, detail: string) =>
    new AppError(429, 'too-many-requests', 'Too many requests', detail, { retryAfter: retryAfterSeconds }),
  locked: (detail: string) => new AppError(423, 'locked', 'Account locked', detail),
  unavailable: (detail: string) => new AppError(503, 'unavailable', 'Service unavailable', detail),
  /** A part the request needs is still starting (the exposure index): try again after `retryAfterSeconds`. */
  starting: (retryAfterSeconds: number, detail: string) =>
    new AppError(503, 'starting', 'Still starting', detail, { retryAfter: retryAfterSeconds }),
  internal: () =>
    new AppError(
      500,
      'internal',
      'Internal error',
      'The server failed; the request id identifies the log entry.',
    ),
};

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
