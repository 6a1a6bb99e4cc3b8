// Converters run off the event loop: a 40 MB SBOM or an OSV archive takes seconds of CPU to
// parse and validate, during which the main thread must keep answering (/healthz, every other
// request). One worker thread for all imports of the process (the machines this runs on have
// two cores: the main thread and one converter); further imports queue, so at most one document
// is inflated in memory at a time. An ImportError thrown in the worker arrives as an ImportError.
import { ThreadPool, ThreadTaskError } from '../platform/threads.ts';
import { ImportError, type ImportErrorKind, type SchemaErrorDetail } from './errors.ts';

/** Heap of the converter thread: a document that needs more is refused (413), the server lives on. */
export const CONVERTER_HEAP_MB = 2048;

let pool: ThreadPool | undefined;

function converterPool(): ThreadPool {
  pool ??= new ThreadPool({ size: 1, idleMs: 60_000, maxHeapMb: CONVERTER_HEAP_MB });
  return pool;
}

/**
 * Runs `fn(input, emit)` exported by `module` on the converter thread, handing each emitted part
 * to `onChunk` as it arrives (one turn of the event loop each) and resolving with its result.
 */
export async function runConverter<R, C = unknown>(
  module: URL,
  fn: string,
  input: unknown,
  onChunk?: (chunk: C) => void,
): Promise<R> {
  try {
    return await converterPool().run<R, C>(module, fn, input, onChunk);
  } catch (err) {
    if (!(err instanceof ThreadTaskError)) throw err;
    if (err.errorName === 'ImportError') {
      const d = err.data as {
        kind: ImportErrorKind;
        schemaErrors?: SchemaErrorDetail[];
        limit?: ImportLimit;
      };
      throw new ImportError(d.kind, err.message, d.schemaErrors ?? [], d.limit);
    }
    if (err.errorName === 'ERR_WORKER_OUT_OF_MEMORY')
      throw new ImportError(
        'too-large',
        `The document needs more than the converter's ${CONVERTER_HEAP_MB} MB of memory to parse.`,
      );
    throw new Error(`The converter failed: ${err.errorName}: ${err.message}`);
  }
}

/** Ends the converter thread (tests and benchmarks that want a clean exit). */
export async function closeConverters(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.close();
}

/** A limit an input exceeded: its name (as documented) and value. */
export interface ImportLimit {
  name: string;
  value: number;
}
