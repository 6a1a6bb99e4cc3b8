// SimHash (Charikar 2002) of SMS and message texts, so that one scam campaign's messages — the
// same text with another number, link or amount — land within a few bits of each other. Digits
// and URLs are masked first; features are character 3-grams of the normalized text.
import { createHash } from 'node:crypto';

/** Texts whose SimHashes differ in at most this many bits are treated as one campaign. */
export const SIMHASH_DISTANCE = 6;

/** Masks URLs, e-mail addresses and digit runs, folds case and whitespace. */
export function maskMessage(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\b(?:https?:\/\/|www\.)\S+/g, ' <url> ')
    .replace(
      /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|cn|top|xyz|info|cc|io|me|app|vip|shop)\b\S*/g,
      ' <url> ',
    )
    .replace(/\S+@\S+/g, ' <email> ')
    .replace(/\d+(?:[.,]\d+)*/g, '#')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The first 64 bits of SHA-256 of each 3-gram, as two 32-bit halves. 3-grams repeat across
 * messages (one campaign is thousands of near-identical texts), so their hashes are kept in a
 * bounded cache: the same bits, without a hash object per gram on every report.
 */
const GRAM_CACHE_MAX = 100_000;
const gramBits = new Map<string, [number, number]>();

function bitsOf(gram: string): [number, number] {
  let b = gramBits.get(gram);
  if (!b) {
    const d = createHash('sha256').update(gram).digest();
    b = [d.readUInt32BE(0), d.readUInt32BE(4)];
    if (gramBits.size >= GRAM_CACHE_MAX) gramBits.clear();
    gramBits.set(gram, b);
  }
  return b;
}

/** The 64-bit SimHash of a text after masking, as a signed bigint (PostgreSQL bigint). */
export function simhash(text: string): bigint {
  const chars = [...maskMessage(text)];
  const weights = new Int32Array(64);
  const n = Math.max(1, chars.length - 2);
  for (let i = 0; i < n; i++) {
    // Bit b of the 64-bit big-endian value: the low half holds bits 0–31, the high half 32–63.
    const [hi, lo] = bitsOf(chars.slice(i, i + 3).join(''));
    for (let b = 0; b < 32; b++) {
      weights[b]! += (lo >>> b) & 1 ? 1 : -1;
      weights[b + 32]! += (hi >>> b) & 1 ? 1 : -1;
    }
  }
  let hiOut = 0;
  let loOut = 0;
  for (let b = 0; b < 32; b++) {
    if (weights[b]! > 0) loOut |= 1 << b;
    if (weights[b + 32]! > 0) hiOut |= 1 << b;
  }
  return BigInt.asIntN(64, (BigInt(hiOut >>> 0) << 32n) | BigInt(loOut >>> 0));
}

/** Hamming distance between two SimHashes. */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}
