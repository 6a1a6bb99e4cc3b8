// Attachments to public reports: images are decoded and re-encoded with sharp (libvips), which
// writes no metadata unless asked — EXIF (camera, time, GPS position), XMP, IPTC, ICC profiles and
// comments are gone, only the pixels stay (turned upright first by their EXIF orientation).
// Other files (PDF, text, a sample of malware) are never stored: only their SHA-256 and size,
// which the ledger commits and an analyst can compare with a copy obtained otherwise.
// A pure converter: bytes in, bytes (or a hash) out; no database.
import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { errors } from '../platform/errors.ts';

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** Decoding bombs: a 5 MiB file may claim a huge canvas. 40 megapixels covers any phone camera. */
const MAX_PIXELS = 40_000_000;

/** Re-encoded and stored. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** Kept only as their SHA-256 and size. */
export const HASH_ONLY_TYPES = ['application/pdf', 'text/plain', 'application/octet-stream'] as const;
export const ATTACHMENT_TYPES: string[] = [...IMAGE_TYPES, ...HASH_ONLY_TYPES];

const FORMAT_OF: Record<(typeof IMAGE_TYPES)[number], 'jpeg' | 'png' | 'webp'> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

export interface SanitizedAttachment {
  mediaType: string;
  /** The bytes to keep, or null when only the hash is kept. */
  content: Buffer | null;
  sha256: Buffer;
  size: number;
  originalSha256: Buffer;
  originalSize: number;
  width: number | null;
  height: number | null;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();

/** The media type without its parameters, lower case. */
export function baseType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Re-encodes an image without its metadata, or keeps only the hash of another file. The image's
 * real format must be the one it was sent as (a PNG sent as JPEG is refused, not guessed).
 */
export async function sanitizeAttachment(bytes: Buffer, contentType: string): Promise<SanitizedAttachment> {
  const type = baseType(contentType);
  const original = { originalSha256: sha256(bytes), originalSize: bytes.length };
  if ((HASH_ONLY_TYPES as readonly string[]).includes(type)) {
    return {
      mediaType: type,
      content: null,
      sha256: original.originalSha256,
      size: bytes.length,
      ...original,
      width: null,
      height: null,
    };
  }
  const format = FORMAT_OF[type as (typeof IMAGE_TYPES)[number]];
  if (!format) throw errors.unsupportedMediaType(type, ATTACHMENT_TYPES);
  const bad = (why: string) =>
    errors.unprocessable(`The attachment is not a readable ${type} image: ${why}.`, [
      { pointer: '/body', detail: why },
    ]);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).metadata();
  } catch (err) {
    throw bad((err as Error).message.slice(0, 200));
  }
  if (meta.format !== format) throw bad(`its content is ${meta.format ?? 'unknown'}`);
  if ((meta.pages ?? 1) > 1) throw bad('animated or multi-page images are not accepted');
  let out: { data: Buffer; info: OutputInfo };
  try {
    const img = sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).rotate();
    const encoded =
      format === 'jpeg'
        ? img.jpeg({ quality: 85, mozjpeg: false })
        : format === 'png'
          ? img.png({ compressionLevel: 6 })
          : img.webp({ quality: 85 });
    out = await encoded.toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw bad((err as Error).message.slice(0, 200));
  }
  if (out.data.length > MAX_ATTACHMENT_BYTES) throw errors.tooLarge(MAX_ATTACHMENT_BYTES);
  return {
    mediaType: type,
    content: out.data,
    sha256: sha256(out.data),
    size: out.data.length,
    ...original,
    width: out.info.width,
    height: out.info.height,
  };
}
