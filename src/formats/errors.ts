// The one error type of the pure import converters (SBOM, OSV, KEV, CVSS). The converters know
// nothing of HTTP: a service catches ImportError and maps it to the error catalogue, keeping
// `schemaErrors` as the problem's `errors` member.

export interface SchemaErrorDetail {
  /** JSON pointer into the input document (RFC 6901); '' is the document itself. */
  pointer: string;
  detail: string;
}

export type ImportErrorKind =
  | 'too-large' // the input exceeds a size limit; nothing was parsed
  | 'malformed-json' // not JSON (or not UTF-8)
  | 'schema' // JSON that does not match the format's schema; see schemaErrors
  | 'unsupported-format' // JSON, but not a format or version this converter reads
  | 'archive' // a zip archive that is broken or hostile (bomb, traversal, symlink)
  | 'io' // the file or directory could not be read
  | 'invalid-vector'; // a CVSS vector that cannot be scored

export class ImportError extends Error {
  constructor(
    readonly kind: ImportErrorKind,
    message: string,
    readonly schemaErrors: SchemaErrorDetail[] = [],
    /** For 'too-large': the documented limit exceeded (e.g. sbom-components, 50000). */
    readonly limit?: { name: string; value: number },
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

/**
 * The deepest nesting of arrays and objects accepted. Real SBOMs and advisories stay far below
 * it; deeper input would overflow the stack of the recursive schema validator.
 */
export const MAX_JSON_DEPTH = 128;

/** Throws ImportError when `doc` nests deeper than `max` (checked without recursion). */
export function assertJsonDepth(doc: unknown, what: string, max = MAX_JSON_DEPTH): void {
  const stack: [unknown, number][] = [[doc, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > max) throw new ImportError('too-large', `${what} nests deeper than ${max} levels.`);
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children)
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

/** Decodes UTF-8 (strictly, BOM tolerated) and parses JSON, after checking the size limit. */
export function parseJsonInput(input: Uint8Array | string, maxBytes: number, what: string): unknown {
  const size = typeof input === 'string' ? utf8Length(input, maxBytes) : input.byteLength;
  if (size > maxBytes) {
    throw new ImportError('too-large', `${what} is ${size} bytes; the limit is ${maxBytes} bytes.`);
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new ImportError('malformed-json', `${what} is not valid UTF-8.`);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImportError('malformed-json', `${what} is not valid JSON: ${(err as Error).message}`);
  }
  assertJsonDepth(doc, what);
  return doc;
}

// String length bounds the UTF-8 length from below, so a string that is already too long in
// UTF-16 units is refused without walking it.
function utf8Length(s: string, maxBytes: number): number {
  if (s.length > maxBytes) return s.length;
  return Buffer.byteLength(s, 'utf8');
}
