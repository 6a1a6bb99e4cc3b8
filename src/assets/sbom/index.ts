// SBOM import entry point: bytes in, ParsedSbom out, whatever the format. Pure: no database,
// no HTTP. Throws ImportError (too large, too many components, not JSON, unknown format, schema
// errors). `parseSbomOffThread` does the same on the converter thread (src/formats/threads.ts).
import { ImportError, parseJsonInput, runConverter } from '../../formats/index.ts';
import { convertCycloneDx, looksLikeCycloneDx } from './cyclonedx.ts';
import { convertSpdx, looksLikeSpdx } from './spdx.ts';
import { MAX_SBOM_BYTES, MAX_SBOM_COMPONENTS, type ParsedSbom, type SbomComponent } from './types.ts';

export { assertCycloneDxSchema, CYCLONEDX_VERSIONS, precompileCycloneDxSchemas } from './cyclonedx.ts';
export type * from './types.ts';
export { MAX_SBOM_BYTES, MAX_SBOM_COMPONENTS } from './types.ts';

export interface SbomLimits {
  maxComponents: number;
}

export function parseSbom(
  input: Uint8Array | string,
  limits: SbomLimits = { maxComponents: MAX_SBOM_COMPONENTS },
): ParsedSbom {
  const doc = parseJsonInput(input, MAX_SBOM_BYTES, 'The SBOM');
  // Counted before the schema validation, whose cost grows with the components.
  assertComponentCount(declaredComponents(doc), limits.maxComponents);
  let sbom: ParsedSbom;
  if (looksLikeCycloneDx(doc)) sbom = convertCycloneDx(doc);
  else if (looksLikeSpdx(doc)) sbom = convertSpdx(doc);
  else
    throw new ImportError(
      'unsupported-format',
      'Not a supported SBOM: expected CycloneDX JSON ("bomFormat": "CycloneDX") or SPDX JSON ("spdxVersion").',
    );
  assertComponentCount(sbom.components.length, limits.maxComponents);
  return sbom;
}

function assertComponentCount(n: number, max: number): void {
  if (n > max)
    throw new ImportError(
      'too-large',
      `The SBOM holds ${n} components; the limit is ${max} components per SBOM.`,
      [],
      { name: 'sbom-components', value: max },
    );
}

/** CycloneDX components at any nesting depth, or SPDX packages; 0 for anything else. */
function declaredComponents(doc: unknown): number {
  if (typeof doc !== 'object' || doc === null) return 0;
  const d = doc as { components?: unknown; packages?: unknown; metadata?: { component?: unknown } };
  if (Array.isArray(d.packages)) return d.packages.length;
  let n = 0;
  const stack: unknown[] = [
    d.components,
    (d.metadata?.component as { components?: unknown } | undefined)?.components,
  ];
  while (stack.length > 0) {
    const list = stack.pop();
    if (!Array.isArray(list)) continue;
    n += list.length;
    for (const c of list)
      if (typeof c === 'object' && c !== null) stack.push((c as { components?: unknown }).components);
  }
  return n;
}

/** A parsed SBOM with the SHA-256 of its bytes, as the converter thread returns it. */
export interface ConvertedSbom {
  sbom: ParsedSbom;
  sha256: string;
  /** The digest of the component list (componentListDigest in thread.ts). */
  componentsSha256: string;
}

/**
 * parseSbom on the converter thread, off the event loop; the components come back in parts of a
 * few thousand, each deserialised in a turn of its own. Also hashes the bytes and refuses a NUL
 * character (PostgreSQL text cannot hold one) there.
 */
export async function parseSbomOffThread(
  bytes: Uint8Array | string,
  limits: SbomLimits = { maxComponents: MAX_SBOM_COMPONENTS },
): Promise<ConvertedSbom> {
  const components: SbomComponent[] = [];
  const rest = await runConverter<
    Omit<ConvertedSbom, 'sbom'> & { sbom: Omit<ParsedSbom, 'components'> },
    SbomComponent[]
  >(new URL('./thread.ts', import.meta.url), 'convertSbomTask', { bytes, limits }, (part) => {
    for (const c of part) components.push(c);
  });
  return { sha256: rest.sha256, componentsSha256: rest.componentsSha256, sbom: { ...rest.sbom, components } };
}
