// Reading an input document named on the command line, with the converters' size limit, mapped
// to the error catalogue so the command prints the same message the API would answer.
import type { AppError } from '../platform/errors.ts';
import { ImportError } from './errors.ts';
import { readFileWithLimit } from './files.ts';
import { problemOf } from './problems.ts';

export async function readInputFile(path: string, limit: number): Promise<Buffer> {
  try {
    return await readFileWithLimit(path, limit);
  } catch (err) {
    if (err instanceof ImportError) throw problemOf(err, limit) satisfies AppError;
    throw err;
  }
}
