// OSV reading on the converter thread (src/formats/threads.ts), off the event loop: what readOsv
// and parseOsv do, for files, directories, zip archives, an uploaded document or a JSON array,
// keeping the newest version of each id. The advisories arrive in parts of a few hundred, each
// one JSON string, parsed only when the caller takes the part (`parts`, consumed once): an
// archive of 20,000 entries is not held as parsed documents on the main thread. Entries with a
// NUL character are reported in `errors` instead. Throws ImportError like the converters it runs.
import { runConverter } from '../../formats/index.ts';
import type { OsvFileError, OsvImportedAdvisory } from './osv.ts';
import type { OsvTaskInput } from './thread.ts';

export interface OsvReadParts {
  /** Entries converted (every version, before the newest of each id was kept), errors not included. */
  advisories: number;
  /** The kept entries, part by part; each part is parsed when it is taken, and can be taken once. */
  parts: Iterable<OsvImportedAdvisory[]>;
  errors: OsvFileError[];
}

export async function readOsvOffThread(input: OsvTaskInput): Promise<OsvReadParts> {
  const texts: string[] = [];
  const { errors, advisories } = await runConverter<{ errors: OsvFileError[]; advisories: number }, string>(
    new URL('./thread.ts', import.meta.url),
    'readOsvTask',
    input,
    (part) => {
      texts.push(part);
    },
  );
  return { advisories, parts: parseParts(texts), errors };
}

function* parseParts(texts: string[]): Generator<OsvImportedAdvisory[]> {
  // Each string is let go once parsed.
  for (let text = texts.shift(); text !== undefined; text = texts.shift())
    yield JSON.parse(text) as OsvImportedAdvisory[];
}
