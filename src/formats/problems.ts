// Maps the pure import converters' ImportError (SBOM, OSV, KEV) to the error catalogue, keeping
// schema errors as the problem's `errors` member. Shared by the assets and advisories services.
import { AppError, errors } from '../platform/errors.ts';
import { ImportError } from './errors.ts';

export function problemOf(err: ImportError, limit: number): AppError {
  // A named limit (components per SBOM, entries or inflated bytes per archive …) is a 413 that
  // says which limit, whatever the converter calls the error.
  if (err.limit)
    return new AppError(413, 'too-large', 'Payload too large', err.message, {
      limit: err.limit.value,
      limitName: err.limit.name,
    });
  switch (err.kind) {
    case 'too-large':
      return errors.tooLarge(limit, err.message);
    case 'malformed-json':
      return errors.malformedJson(err.message);
    case 'io':
      return errors.badRequest(err.message);
    default:
      return errors.unprocessable(err.message, err.schemaErrors.length ? err.schemaErrors : undefined);
  }
}

/** Runs a pure converter, turning its ImportError into a problem and leaving other errors alone. */
export function convert<T>(limit: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ImportError) throw problemOf(err, limit);
    throw err;
  }
}

/** PostgreSQL text cannot hold U+0000; a document that carries one is refused before anything is stored. */
export function assertNoNul(value: unknown, what: string): void {
  if (JSON.stringify(value).includes('\\u0000'))
    throw errors.unprocessable(`${what} contains a NUL character (U+0000), which cannot be stored.`);
}
