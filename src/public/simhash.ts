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

/** The 64-bit SimHash of a text after masking, as a signed bigint (PostgreSQL bigint). */
export function simhash(text: string): bigint {
  const masked = maskMessage(text);
  const chars = [...masked];
  const weights = new Array<number>(64).fill(0);
  const n = Math.max(1, chars.length - 2);
  for (let i = 0; i < n; i++) {
    const gram = chars.slice(i, i + 3).join('');
    const h = createHash('sha256').update(gram).digest().readBigUInt64BE(0);
    for (let b = 0; b < 64; b++) weights[b]! += (h >> BigInt(b)) & 1n ? 1 : -1;
  }
  let out = 0n;
  for (let b = 0; b < 64; b++) if (weights[b]! > 0) out |= 1n << BigInt(b);
  return BigInt.asIntN(64, out);
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
