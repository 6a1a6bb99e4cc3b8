// The region map's real geometry, only from a file the operator supplies (issue 13): a GeoJSON
// FeatureCollection (RFC 7946) whose features each carry a region code in a property. Bytes in,
// one polygon geometry per region out, or an ImportError naming the feature. Pure: no database,
// no HTTP. Whether the codes are regions of the federation is the service's check.
import { ImportError, parseJsonInput } from '../../formats/index.ts';

/** The largest geometry file accepted (the CLI reads no more). */
export const GEOMETRY_MAX_BYTES = 8 * 1024 * 1024;
const MAX_FEATURES = 5_000;
const MAX_POSITIONS = 500_000;
const CODE = /^[A-Z0-9]{1,8}(-[A-Z0-9]{1,8}){0,4}$/;

export interface RegionGeometry {
  region: string;
  /** Only the geometry's type and coordinates: nothing else of the file is kept or shown. */
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
}

export interface GeometryOptions {
  /** The file's name, for messages. */
  file: string;
  /** The feature property holding the region code (default `region`). */
  property?: string;
  maxBytes?: number;
}

const bad = (message: string) => new ImportError('schema', message);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function convertGeometry(input: Uint8Array | string, opts: GeometryOptions): RegionGeometry[] {
  const max = opts.maxBytes ?? GEOMETRY_MAX_BYTES;
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > max)
    throw new ImportError('too-large', `${opts.file}: larger than ${max} bytes`, [], {
      name: 'geometry-file-bytes',
      value: max,
    });
  const doc = parseJsonInput(input, max, opts.file);
  if (!isObject(doc) || doc.type !== 'FeatureCollection')
    throw bad(`${opts.file}: not a GeoJSON FeatureCollection (its "type" must be "FeatureCollection")`);
  const features = doc.features;
  if (!Array.isArray(features) || features.length === 0)
    throw bad(`${opts.file}: "features" must be a non-empty array`);
  if (features.length > MAX_FEATURES)
    throw new ImportError('too-large', `${opts.file}: more than ${MAX_FEATURES} features`, [], {
      name: 'geometry-features',
      value: MAX_FEATURES,
    });
  const property = opts.property ?? 'region';
  const seen = new Set<string>();
  let positions = 0;
  const out: RegionGeometry[] = [];
  features.forEach((f, i) => {
    const where = `${opts.file}: features[${i}]`;
    if (!isObject(f) || f.type !== 'Feature') throw bad(`${where}: not a GeoJSON Feature`);
    const code = isObject(f.properties) ? f.properties[property] : undefined;
    if (typeof code !== 'string' || !CODE.test(code))
      throw bad(`${where}: property "${property}" must be a region code such as BW-N-01`);
    if (seen.has(code)) throw bad(`${where}: region ${code} appears twice`);
    seen.add(code);
    const g = f.geometry;
    if (!isObject(g) || (g.type !== 'Polygon' && g.type !== 'MultiPolygon'))
      throw bad(`${where} (${code}): geometry must be a Polygon or a MultiPolygon`);
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    if (!Array.isArray(polygons) || polygons.length === 0)
      throw bad(`${where} (${code}): coordinates must be a non-empty array`);
    polygons.forEach((rings, p) => {
      if (!Array.isArray(rings) || rings.length === 0)
        throw bad(`${where} (${code}): polygon ${p} has no ring`);
      for (const [r, ring] of rings.entries()) {
        const at = `${where} (${code}): polygon ${p} ring ${r}`;
        if (!Array.isArray(ring) || ring.length < 4) throw bad(`${at}: a ring needs at least 4 positions`);
        for (const pos of ring) {
          if (
            !Array.isArray(pos) ||
            pos.length < 2 ||
            pos.length > 3 ||
            !pos.every((n) => typeof n === 'number' && Number.isFinite(n))
          )
            throw bad(`${at}: a position must be [longitude, latitude] numbers`);
          if (Math.abs(pos[0]) > 180 || Math.abs(pos[1]) > 90)
            throw bad(`${at}: [${pos[0]}, ${pos[1]}] is not a longitude and latitude (WGS 84)`);
        }
        const [a, z] = [ring[0] as number[], ring.at(-1) as number[]];
        if (a[0] !== z[0] || a[1] !== z[1]) throw bad(`${at}: the ring is not closed`);
        positions += ring.length;
      }
    });
    if (positions > MAX_POSITIONS)
      throw new ImportError('too-large', `${opts.file}: more than ${MAX_POSITIONS} positions`, [], {
        name: 'geometry-positions',
        value: MAX_POSITIONS,
      });
    out.push({
      region: code,
      geometry: { type: g.type, coordinates: g.coordinates as number[][][] },
    });
  });
  return out;
}
