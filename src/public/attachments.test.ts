// Attachments: images lose every metadata segment (EXIF with a GPS position, XMP, a JPEG comment,
// PNG text chunks) and keep their pixels; a file whose content is not the type it was sent as is
// refused; other files are kept only as their SHA-256.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { AppError } from '../platform/errors.ts';
import { sanitizeAttachment } from './attachments.ts';

const CANARY = 'canary-exif-5d1e';

function jpegWithComment(jpeg: Buffer, text: string): Buffer {
  // A COM segment (0xFFFE) right after SOI: what many cameras and editors leave behind.
  const body = Buffer.from(text, 'latin1');
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, body, jpeg.subarray(2)]);
}

function pngWithText(png: Buffer, keyword: string, text: string): Buffer {
  // A tEXt chunk before IEND (its CRC is not checked by the reader we care about, but make it right).
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const type = Buffer.from('tEXt', 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), len, type, data, crc, png.subarray(iend)]);
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

const photo = () =>
  sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } },
  });

const exif = {
  IFD0: { Copyright: CANARY, Artist: CANARY },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '51/1 30/1 0/1',
    GPSLongitudeRef: 'E',
    GPSLongitude: '0/1 7/1 0/1',
  },
};

async function assertClean(out: Buffer) {
  assert.ok(!out.includes(CANARY), 'the canary is gone from the bytes');
  const m = await sharp(out).metadata();
  assert.equal(m.exif, undefined, 'no EXIF');
  assert.equal(m.xmp, undefined, 'no XMP');
  assert.equal(m.icc, undefined, 'no ICC profile');
  assert.equal(m.comments, undefined, 'no comments');
  return m;
}

describe('public report attachments', () => {
  test('a JPEG loses EXIF (GPS), XMP and its comment, is turned upright, and keeps its pixels', async () => {
    const original = jpegWithComment(
      await photo()
        .jpeg()
        .withExif(exif)
        .withMetadata({ orientation: 6 })
        .withXmp(`<x:xmpmeta xmlns:x="adobe:ns:meta/">${CANARY}</x:xmpmeta>`)
        .toBuffer(),
      CANARY,
    );
    const before = await sharp(original).metadata();
    assert.ok(before.exif && before.xmp && original.includes(CANARY), 'the fixture carries metadata');
    assert.equal(before.orientation, 6);
    const a = await sanitizeAttachment(original, 'image/jpeg');
    assert.equal(a.mediaType, 'image/jpeg');
    assert.ok(a.content);
    const m = await assertClean(a.content);
    assert.equal(m.format, 'jpeg');
    // Orientation 6 (rotate 90° clockwise) is applied before it is dropped.
    assert.deepEqual([m.width, m.height], [48, 64]);
    assert.deepEqual([a.width, a.height], [48, 64]);
    const { data } = await sharp(a.content).raw().toBuffer({ resolveWithObject: true });
    assert.ok(Math.abs(data[0]! - 200) < 12 && data[1]! < 50, 'the pixels are the picture');
    assert.equal(a.sha256.toString('hex'), createHash('sha256').update(a.content).digest('hex'));
    assert.equal(a.originalSha256.toString('hex'), createHash('sha256').update(original).digest('hex'));
    assert.equal(a.originalSize, original.length);
  });

  test('a PNG loses its text chunks and EXIF; a WebP its EXIF and XMP', async () => {
    const png = pngWithText(await photo().png().withExif(exif).toBuffer(), 'Comment', CANARY);
    assert.ok(png.includes(CANARY));
    const p = await sanitizeAttachment(png, 'image/png');
    assert.equal((await assertClean(p.content!)).format, 'png');
    const webp = await photo()
      .webp()
      .withExif(exif)
      .withXmp(`<x:xmpmeta xmlns:x="adobe:ns:meta/">${CANARY}</x:xmpmeta>`)
      .toBuffer();
    assert.ok((await sharp(webp).metadata()).exif);
    const w = await sanitizeAttachment(webp, 'image/webp; charset=binary');
    assert.equal((await assertClean(w.content!)).format, 'webp');
  });

  test('content that is not the type it was sent as is refused (422); an unknown type is 415', async () => {
    const png = await photo().png().toBuffer();
    await assert.rejects(sanitizeAttachment(png, 'image/jpeg'), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.status, 422);
      assert.match(e.message, /content is png/);
      return true;
    });
    await assert.rejects(sanitizeAttachment(Buffer.from('not an image'), 'image/png'), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.status, 422);
      return true;
    });
    await assert.rejects(sanitizeAttachment(png, 'image/svg+xml'), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.status, 415);
      return true;
    });
  });

  test('a PDF or another file is kept only as its SHA-256 and size', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n% ${CANARY}\n%%EOF\n`);
    const a = await sanitizeAttachment(pdf, 'application/pdf');
    assert.equal(a.content, null);
    assert.equal(a.sha256.toString('hex'), createHash('sha256').update(pdf).digest('hex'));
    assert.equal(a.size, pdf.length);
    assert.equal((await sanitizeAttachment(pdf, 'application/octet-stream')).content, null);
  });
});
