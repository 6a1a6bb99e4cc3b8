// What the converter thread runs for an OSV import (readOsvOffThread in osv-thread.ts): read
// files, directories or a zip archive, or parse an uploaded document or JSON array, convert and
// validate every entry, refuse NUL characters, keep the newest version of each id, then send the
// advisories back in parts of a few hundred, each as one JSON string: the main thread holds the
// archive as a few dozen flat strings (nothing for its garbage collector to trace) and parses a
// part only when it stores it, instead of holding 20,000 parsed documents for the whole import.
import { ImportError, parseJsonInput } from '../../formats/index.ts';
import {
  MAX_ZIP_ENTRIES,
  type OsvFileError,
  type OsvImportedAdvisory,
  type OsvImportResult,
  type OsvLimits,
  newestVersions,
  parseOsv,
  readOsv,
  readOsvZip,
} from './osv.ts';

const PART = 200;

export type OsvTaskInput = (
  | { paths: string[]; limits: Partial<OsvLimits>; names: Record<string, string> }
  | { array: Uint8Array; maxBytes: number }
  | { zip: Uint8Array; name: string; limits: Partial<OsvLimits> }
  | { one: Uint8Array; maxBytes: number }
) & {
  /** Entries dated after this (ms) are refused by the import: they are sent on but compete with none. */
  notAfter?: number;
};

export async function readOsvTask(
  input: OsvTaskInput,
  emit: (part: string) => void,
): Promise<{ errors: OsvFileError[]; advisories: number }> {
  let result: OsvImportResult;
  if ('paths' in input) {
    const names = input.names;
    result = await readOsv(input.paths, input.limits, {
      ...(Object.keys(names).length ? { nameOf: (p: string) => names[p] ?? p } : {}),
    });
  } else if ('zip' in input) result = await readOsvZip(input.zip, input.limits, input.name);
  else if ('array' in input) result = convertArray(input.array, input.maxBytes);
  else result = { advisories: [{ source: 'upload', advisory: parseOsv(input.one) }], errors: [] };
  const errors = result.errors;
  const clean: OsvImportedAdvisory[] = [];
  for (const a of result.advisories) {
    // PostgreSQL text cannot hold U+0000: such an entry is reported, the others stay.
    if (JSON.stringify(a.advisory).includes('\\u0000'))
      errors.push({
        source: a.source,
        kind: 'schema',
        message: `The advisory ${a.advisory.id} contains a NUL character (U+0000), which cannot be stored.`,
        schemaErrors: [],
      });
    else clean.push(a);
  }
  const newest = newestVersions(clean, input.notAfter);
  for (let i = 0; i < newest.length; i += PART) emit(JSON.stringify(newest.slice(i, i + PART)));
  // Every entry read counts, the versions an archive superseded too.
  return { errors, advisories: clean.length };
}

function convertArray(bytes: Uint8Array, maxBytes: number): OsvImportResult {
  const docs = parseJsonInput(bytes, maxBytes, 'The OSV array');
  if (!Array.isArray(docs)) throw new ImportError('schema', 'Expected a JSON array of OSV entries.');
  // An array is held to the archive's entry limit: it is the same work.
  if (docs.length > MAX_ZIP_ENTRIES)
    throw new ImportError(
      'too-large',
      `The OSV array holds ${docs.length} entries; the limit is ${MAX_ZIP_ENTRIES}.`,
      [],
      { name: 'array-entries', value: MAX_ZIP_ENTRIES },
    );
  const result: OsvImportResult = { advisories: [], errors: [] };
  docs.forEach((d, i) => {
    try {
      result.advisories.push({ source: `[${i}]`, advisory: parseOsv(JSON.stringify(d)) });
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      result.errors.push({
        source: `[${i}]`,
        kind: err.kind,
        message: err.message,
        schemaErrors: err.schemaErrors,
      });
    }
  });
  return result;
}
