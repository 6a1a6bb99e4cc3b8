// SBOM import entry point: bytes in, ParsedSbom out, whatever the format. Pure: no database,
// no HTTP. Throws ImportError (too large, not JSON, unknown format, schema errors).
import { ImportError, parseJsonInput } from '../../formats/index.ts';
import { convertCycloneDx, looksLikeCycloneDx } from './cyclonedx.ts';
import { convertSpdx, looksLikeSpdx } from './spdx.ts';
import { MAX_SBOM_BYTES, type ParsedSbom } from './types.ts';

export { CYCLONEDX_VERSIONS, precompileCycloneDxSchemas } from './cyclonedx.ts';
export type * from './types.ts';
export { MAX_SBOM_BYTES } from './types.ts';

export function parseSbom(input: Uint8Array | string): ParsedSbom {
  const doc = parseJsonInput(input, MAX_SBOM_BYTES, 'The SBOM');
  if (looksLikeCycloneDx(doc)) return convertCycloneDx(doc);
  if (looksLikeSpdx(doc)) return convertSpdx(doc);
  throw new ImportError(
    'unsupported-format',
    'Not a supported SBOM: expected CycloneDX JSON ("bomFormat": "CycloneDX") or SPDX JSON ("spdxVersion").',
  );
}
