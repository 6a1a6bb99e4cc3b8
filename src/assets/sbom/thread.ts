// What the converter thread runs for an SBOM upload (parseSbomOffThread in index.ts): parse,
// validate and convert, hash the bytes, refuse NUL characters, then send the components back in
// parts so that the main thread deserialises a few thousand at a time. The digest of the component
// list (what the SBOM's ledger commitment records) is computed here too: canonicalising a list of
// 50,000 names on the main thread took several hundred milliseconds in one turn.
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
  const componentsSha256 = componentListDigest(components);
  for (let i = 0; i < components.length; i += PART) emit(components.slice(i, i + PART));
  return { sha256, componentsSha256, sbom: rest };
}

/**
 * SHA-256 (hex) of the JSON array of the components' purls (the name when there is none), in the
 * SBOM's order: what an SBOM version's ledger record commits to instead of the list itself.
 * Anyone holding the components (GET /sboms/:id) recomputes it.
 */
export function componentListDigest(components: readonly Pick<SbomComponent, 'purl' | 'name'>[]): string {
  return createHash('sha256')
    .update(JSON.stringify(components.map((c) => c.purl ?? c.name)))
    .digest('hex');
}
