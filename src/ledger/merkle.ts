// RFC 9162 Merkle tree hashing, proof generation and proof verification (§2.1).
//
// Proofs are generated over a HashSource that returns the hashes of complete subtrees
// ("nodes"); a node is never rebuilt from leaves, so a proof in a tree of any size reads
// O(log n) nodes. The source can be an in-memory tree (tests) or stored tiles (tiles.ts).
// Sizes and indexes are JavaScript numbers: safe up to 2^53 leaves, far beyond any Bulwark log.
import { createHash, hash as oneShotHash, timingSafeEqual } from 'node:crypto';

export const HASH_BYTES = 32;
export type Hash = Buffer;

/** A complete subtree of 2^level leaves: leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeId {
  level: number;
  index: number;
}

/** Where proof generation reads node hashes from; may be synchronous or not. */
export interface HashSource {
  readNodes(nodes: readonly NodeId[]): Hash[] | Promise<Hash[]>;
}

export class ProofError extends Error {
  override name = 'ProofError';
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The root of the empty tree: SHA-256 of the empty string. */
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

// node's one-shot crypto.hash (20.12+) is about a third cheaper per call than a Hash object;
// hashing dominates tree building, so it is used when present.
const hasOneShot = typeof oneShotHash === 'function';
const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES, 0x01);

const leafInput = Buffer.alloc(1 + 65_536, 0x00);

export function leafHash(entry: Uint8Array): Hash {
  if (hasOneShot && entry.length < leafInput.length) {
    leafInput.set(entry, 1);
    return oneShotHash('sha256', leafInput.subarray(0, 1 + entry.length), 'buffer');
  }
  return createHash('sha256').update(LEAF_PREFIX).update(entry).digest();
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Hash {
  if (hasOneShot && left.length === HASH_BYTES && right.length === HASH_BYTES) {
    nodeInput.set(left, 1);
    nodeInput.set(right, 1 + HASH_BYTES);
    return oneShotHash('sha256', nodeInput, 'buffer');
  }
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The largest power of two strictly below n (n >= 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && Number.isInteger(Math.log2(n)) && 2 ** Math.log2(n) === n;
}

function log2Exact(n: number): number {
  let l = 0;
  while (2 ** l < n) l++;
  return l;
}

function assertSize(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new ProofError(`${name} must be a non-negative safe integer, got ${v}`);
}

/** A leaf range [lo, hi) whose Merkle Tree Hash a proof needs. */
type Range = readonly [lo: number, hi: number];

/** The complete subtrees whose hashes make up MTH(D[lo:hi]), in the order rangeHash consumes them. */
function rangeNodes(lo: number, hi: number, out: NodeId[]): void {
  const n = hi - lo;
  if (isPowerOfTwo(n) && lo % n === 0) {
    out.push({ level: log2Exact(n), index: lo / n });
    return;
  }
  const k = splitPoint(n);
  rangeNodes(lo, lo + k, out);
  rangeNodes(lo + k, hi, out);
}

/** Folds the node hashes of rangeNodes(lo, hi) into MTH(D[lo:hi]); `at` is the read cursor. */
function rangeHash(lo: number, hi: number, hashes: Hash[], at: { i: number }): Hash {
  const n = hi - lo;
  if (isPowerOfTwo(n) && lo % n === 0) return hashes[at.i++]!;
  const k = splitPoint(n);
  const left = rangeHash(lo, lo + k, hashes, at);
  return nodeHash(left, rangeHash(lo + k, hi, hashes, at));
}

async function hashRanges(ranges: readonly Range[], source: HashSource): Promise<Hash[]> {
  const nodes: NodeId[] = [];
  for (const [lo, hi] of ranges) rangeNodes(lo, hi, nodes);
  const hashes = nodes.length ? await source.readNodes(nodes) : [];
  if (hashes.length !== nodes.length)
    throw new ProofError(`hash source returned ${hashes.length} of ${nodes.length} nodes`);
  const at = { i: 0 };
  return ranges.map(([lo, hi]) => rangeHash(lo, hi, hashes, at));
}

/** The nodes whose hashes make up the root of a tree of `size` leaves (the tree's frontier). */
export function rootNodes(size: number): NodeId[] {
  assertSize('size', size);
  const out: NodeId[] = [];
  if (size > 0) rangeNodes(0, size, out);
  return out;
}

/** MTH(D[0:size]). */
export async function treeRoot(size: number, source: HashSource): Promise<Hash> {
  assertSize('size', size);
  if (size === 0) return EMPTY_ROOT;
  return (await hashRanges([[0, size]], source))[0]!;
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:size]) as leaf ranges, leaf sibling first. */
function inclusionRanges(index: number, size: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = size;
  // Walk down from the root; each step records the sibling range, then reverse (leaf first).
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
    }
  }
  return out.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) as leaf ranges, in proof order. */
function consistencyRanges(m: number, n: number): Range[] {
  const out: Range[] = [];
  let lo = 0;
  let hi = n;
  let rel = m;
  let complete = true; // the b flag of SUBPROOF
  for (;;) {
    if (rel === hi - lo) {
      if (!complete) out.push([lo, hi]);
      break;
    }
    const k = splitPoint(hi - lo);
    if (rel <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
      rel -= k;
      complete = false;
    }
  }
  return out.reverse();
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function inclusionProof(index: number, size: number, source: HashSource): Promise<Hash[]> {
  assertSize('index', index);
  assertSize('size', size);
  if (index >= size) throw new ProofError(`leaf index ${index} is not below tree size ${size}`);
  return hashRanges(inclusionRanges(index, size), source);
}

/** The consistency proof between the trees of size1 and size2 leaves (0 < size1 <= size2). */
export async function consistencyProof(size1: number, size2: number, source: HashSource): Promise<Hash[]> {
  assertSize('size1', size1);
  assertSize('size2', size2);
  if (size1 === 0) throw new ProofError('there is no consistency proof from the empty tree');
  if (size1 > size2) throw new ProofError(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === size2) return [];
  return hashRanges(consistencyRanges(size1, size2), source);
}

/** How many hashes the inclusion proof of leaf `index` in a tree of `size` leaves has. */
export function inclusionProofLength(index: number, size: number): number {
  return inclusionRanges(index, size).length;
}

/** How many hashes the consistency proof from size1 to size2 has (0 < size1 <= size2). */
export function consistencyProofLength(size1: number, size2: number): number {
  return size1 === size2 ? 0 : consistencyRanges(size1, size2).length;
}

/** The nodes an inclusion proof reads (for batching reads ahead of time). */
export function inclusionProofNodes(index: number, size: number): NodeId[] {
  const nodes: NodeId[] = [];
  for (const [lo, hi] of inclusionRanges(index, size)) rangeNodes(lo, hi, nodes);
  return nodes;
}

function checkHash(what: string, h: Uint8Array): void {
  if (h.length !== HASH_BYTES) throw new ProofError(`${what} is ${h.length} bytes, not ${HASH_BYTES}`);
}

/**
 * RFC 9162 §2.1.3.2: verifies that `leaf` (a leaf hash) is at `index` in the tree of `size`
 * leaves with root `root`. Throws ProofError with the reason when it is not.
 */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  assertSize('leaf index', index);
  assertSize('tree size', size);
  checkHash('leaf hash', leaf);
  checkHash('root', root);
  for (const [i, p] of proof.entries()) checkHash(`proof hash ${i}`, p);
  // 1. If leaf_index is greater than or equal to tree_size, then stop and fail.
  if (index >= size) throw new ProofError(`leaf index ${index} is not below tree size ${size}`);
  // 2. Set fn to leaf_index and sn to tree_size - 1.
  let fn = index;
  let sn = size - 1;
  // 3. Set r to hash.
  let r: Uint8Array = leaf;
  // 4. For each value p in the inclusion_path array:
  for (const p of proof) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0)
      throw new ProofError(`inclusion proof has ${proof.length} hashes, more than the tree needs`);
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (fn % 2 === 1 || fn === sn) {
      // i. Set r to HASH(0x01 || p || r).
      r = nodeHash(p, r);
      // ii. If LSB(fn) is not set, right-shift fn and sn equally until LSB(fn) is set or fn is 0.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      // Otherwise: Set r to HASH(0x01 || r || p).
      r = nodeHash(r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. Compare sn to 0. Compare r against the root_hash.
  if (sn !== 0) throw new ProofError(`inclusion proof has ${proof.length} hashes, fewer than the tree needs`);
  if (!hashesEqual(r, root)) throw new ProofError('inclusion proof does not lead to the root hash');
}

/**
 * RFC 9162 §2.1.4.2: verifies that the tree of size2 leaves with root2 extends the tree of size1
 * leaves with root1. A proof from the empty tree is invalid; size1 == size2 needs an empty proof
 * and equal roots. Throws ProofError with the reason when the proof fails.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  assertSize('size1', size1);
  assertSize('size2', size2);
  checkHash('root1', root1);
  checkHash('root2', root2);
  for (const [i, p] of proof.entries()) checkHash(`proof hash ${i}`, p);
  if (size1 === 0) throw new ProofError('a consistency proof from the empty tree is invalid');
  if (size1 > size2) throw new ProofError(`size1 ${size1} is larger than size2 ${size2}`);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError('trees of equal size need an empty consistency proof');
    if (!hashesEqual(root1, root2)) throw new ProofError('trees of equal size have different roots');
    return;
  }
  // 1. If consistency_path is an empty array, stop and fail the proof verification.
  if (proof.length === 0) throw new ProofError('consistency proof is empty');
  // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  const path: Uint8Array[] = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  // 3. Set fn to first - 1 and sn to second - 1.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. Set both fr and sr to the first value in the consistency_path array.
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  // 6. For each subsequent value c in the consistency_path array:
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0)
      throw new ProofError(`consistency proof has ${proof.length} hashes, more than the trees need`);
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (fn % 2 === 1 || fn === sn) {
      // i. Set fr to HASH(0x01 || c || fr).  ii. Set sr to HASH(0x01 || c || sr).
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      // iii. If LSB(fn) is not set, right-shift fn and sn equally until LSB(fn) is set or fn is 0.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      // Otherwise: Set sr to HASH(0x01 || sr || c).
      sr = nodeHash(sr, c);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. Verify fr == first_hash, sr == second_hash and sn == 0.
  if (sn !== 0)
    throw new ProofError(`consistency proof has ${proof.length} hashes, fewer than the trees need`);
  if (!hashesEqual(fr, root1)) throw new ProofError('consistency proof does not lead to the first root');
  if (!hashesEqual(sr, root2)) throw new ProofError('consistency proof does not lead to the second root');
}

/** An in-memory tree that keeps every node; for tests, tools and small logs. */
export class MemoryTree implements HashSource {
  /** levels[l][i] is node (l, i). */
  private readonly levels: Hash[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  appendLeafHash(h: Hash): void {
    checkHash('leaf hash', h);
    this.levels[0]!.push(h);
    let level = 0;
    let index = this.levels[0]!.length - 1;
    while (index % 2 === 1) {
      const row = this.levels[level]!;
      const parent = nodeHash(row[index - 1]!, row[index]!);
      level++;
      if (!this.levels[level]) this.levels[level] = [];
      this.levels[level]!.push(parent);
      index = (index - 1) / 2;
    }
  }

  append(entry: Uint8Array): void {
    this.appendLeafHash(leafHash(entry));
  }

  readNodes(nodes: readonly NodeId[]): Hash[] {
    return nodes.map(({ level, index }) => {
      const h = this.levels[level]?.[index];
      if (!h) throw new ProofError(`node ${level}/${index} is not in the tree`);
      return h;
    });
  }
}
