// OSV reading on the converter thread (src/formats/threads.ts), off the event loop: what readOsv
// and parseOsv do, for files, directories, zip archives, an uploaded document or a JSON array.
// The advisories arrive in parts of a few hundred; entries with a NUL character are reported in
// `errors` instead. Throws ImportError like the converters it runs.
import { runConverter } from '../../formats/index.ts';
import type { OsvImportedAdvisory, OsvImportResult } from './osv.ts';
import type { OsvTaskInput } from './thread.ts';

export async function readOsvOffThread(input: OsvTaskInput): Promise<OsvImportResult> {
  const advisories: OsvImportedAdvisory[] = [];
  const { errors } = await runConverter<Pick<OsvImportResult, 'errors'>, OsvImportedAdvisory[]>(
    new URL('./thread.ts', import.meta.url),
    'readOsvTask',
    input,
    (part) => {
      for (const a of part) advisories.push(a);
    },
  );
  return { advisories, errors };
}
