// What an import may hand in, pure: a STIX 2.1 bundle, a lone STIX object (what tools such as
// the OASIS examples and most web pages show), or a JSON array of objects. Each becomes the list of
// objects to ingest; anything else is refused with the JSON pointer of what is wrong.

/** The objects to ingest, or why the input is none of the accepted shapes. */
export type ImportObjects =
  | { ok: true; objects: unknown[]; shape: 'bundle' | 'object' | 'array' }
  | { ok: false; title: string; pointer: string; detail: string };

export function objectsToImport(input: unknown): ImportObjects {
  if (Array.isArray(input)) return { ok: true, objects: input, shape: 'array' };
  if (!input || typeof input !== 'object')
    return {
      ok: false,
      title: 'Not STIX: give a bundle, a single STIX object or an array of objects.',
      pointer: '',
      detail: 'must be a JSON object or array',
    };
  const o = input as { type?: unknown; objects?: unknown };
  if (o.type === 'bundle') {
    if (!Array.isArray(o.objects))
      return {
        ok: false,
        title: "A STIX bundle lists its objects in '/objects'.",
        pointer: '/objects',
        detail: 'must be an array',
      };
    return { ok: true, objects: o.objects, shape: 'bundle' };
  }
  if (typeof o.type !== 'string' || o.type === '')
    return {
      ok: false,
      title: "Not STIX: a bundle or an object names its '/type'.",
      pointer: '/type',
      detail: "must be 'bundle' or a STIX object type",
    };
  // A lone object: validated like any object of a bundle (its own errors name its properties).
  return { ok: true, objects: [input], shape: 'object' };
}
