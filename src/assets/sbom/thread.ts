// What the converter thread runs for an SBOM upload (parseSbomOffThread in index.ts): parse,
// validate and convert, hash the bytes, refuse NUL characters, then send the components back in
// parts so that the main thread deserialises a few thousand at a time.
import { createHash } from 'node:crypto';
import { ImportError } from '../../formats/index.ts';
import { parseSbom, type SbomLimits } from './index.ts';
import type { SbomComponent } from './types.ts';

const PART = 2000;

export function convertSbomTask(
  input: { bytes: Uint8Array | string; limits: SbomLimits },
  emit: (part: SbomComponent[]) => void,
) {
  const sbom = parseSbom(input.bytes, input.limits);
  if (JSON.stringify(sbom).includes('\\u0000'))
    throw new ImportError('schema', 'The SBOM contains a NUL character (U+0000), which cannot be stored.');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const { components, ...rest } = sbom;
  for (let i = 0; i < components.length; i += PART) emit(components.slice(i, i + PART));
  return { sha256, sbom: rest };
}
