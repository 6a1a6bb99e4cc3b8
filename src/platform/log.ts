// Structured logging (pino) shared by the server, workers and CLI. Errors are serialised without
// the values of their query: PGlite's and node-postgres' errors carry the statement's parameters
// (a new user's scrypt hash, a token's hash, a note), and pino's standard serialiser writes every
// enumerable property of an error. The statement text stays: it holds placeholders, not data.
import { pino } from 'pino';

export type Logger = pino.Logger;

/** Error properties that hold data given to the database (or a request), never logged. */
const DATA_KEYS = new Set(['params', 'parameters', 'values', 'queryOptions', 'body', 'record']);
const DEPTH = 5;

function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = DATA_KEYS.has(k) ? '[redacted]' : scrub(v, depth + 1, seen);
  }
  return out;
}

/** pino's error serialiser, then every data-carrying property (also in causes) redacted. */
export function serializeError(err: unknown): unknown {
  const base = err instanceof Error ? pino.stdSerializers.err(err) : err;
  return scrub(base, 0, new WeakSet());
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    serializers: { err: serializeError, error: serializeError },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.passwordHash'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
