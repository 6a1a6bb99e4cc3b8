import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { b64, fixtureEntry, loadFixtures } from './fixtures.test-util.ts';
import {
  consistencyProof,
  consistencyProofLength,
  EMPTY_ROOT,
  type Hash,
  inclusionProof,
  inclusionProofLength,
  leafHash,
  MemoryTree,
  nodeHash,
  ProofError,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';

const fx = loadFixtures();
const tree = new MemoryTree();
for (let i = 0; i < fx.leafCount; i++) tree.append(fixtureEntry(i));
const root = (n: number): Buffer => b64(fx.roots[String(n)]!);
const enc = (hs: Hash[]) => hs.map((h) => h.toString('base64'));

/** Every single-bit flip of every hash in `proof`, one at a time. */
function* bitFlips(proof: Buffer[]): Generator<Buffer[]> {
  for (let i = 0; i < proof.length; i++) {
    for (const bit of [0, 7, 8 * 31 + 3]) {
      const copy = proof.map((p) => Buffer.from(p));
      copy[i]![bit >> 3]! ^= 1 << (bit & 7);
      yield copy;
    }
  }
}

describe('RFC 9162 hashing', () => {
  test('empty tree root is SHA-256 of the empty string', () => {
    assert.equal(
      EMPTY_ROOT.toString('hex'),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });
  test('leaf and node hashes use the 0x00 and 0x01 prefixes', () => {
    const sha = (...parts: Uint8Array[]) => {
      const h = createHash('sha256');
      for (const p of parts) h.update(p);
      return h.digest();
    };
    const a = Buffer.from('a');
    assert.deepEqual(leafHash(a), sha(Buffer.from([0]), a));
    const l = leafHash(a);
    const r = leafHash(Buffer.from('b'));
    assert.deepEqual(nodeHash(l, r), sha(Buffer.from([1]), l, r));
  });
  test('leaf hashes match the Go reference', () => {
    for (const [i, h] of fx.leafHashes.entries())
      assert.equal(leafHash(fixtureEntry(i)).toString('base64'), h);
  });
  test('tree roots of every size 1..1100 match the Go reference', async () => {
    for (let n = 1; n <= fx.leafCount; n++) {
      assert.equal((await treeRoot(n, tree)).toString('base64'), fx.roots[String(n)], `size ${n}`);
    }
    assert.deepEqual(await treeRoot(0, tree), EMPTY_ROOT);
  });
});

describe('inclusion proofs', () => {
  test(`${fx.inclusion.length} proofs match the Go reference and verify`, async () => {
    for (const c of fx.inclusion) {
      const proof = await inclusionProof(c.index, c.size, tree);
      assert.deepEqual(enc(proof), c.proof, `index ${c.index} size ${c.size}`);
      verifyInclusion(c.index, c.size, leafHash(fixtureEntry(c.index)), proof, root(c.size));
    }
  });

  test('every leaf of several trees verifies', async () => {
    for (const size of [1, 2, 3, 5, 8, 13, 64, 255, 256, 257, 300]) {
      for (let i = 0; i < size; i++) {
        const proof = await inclusionProof(i, size, tree);
        verifyInclusion(i, size, leafHash(fixtureEntry(i)), proof, root(size));
      }
    }
  });

  test('tampered proofs are rejected', async () => {
    let checked = 0;
    for (const c of fx.inclusion) {
      const proof = c.proof.map(b64);
      const leaf = leafHash(fixtureEntry(c.index));
      const bad = (why: string, f: () => void) => {
        assert.throws(f, ProofError, `${why}: index ${c.index} size ${c.size}`);
        checked++;
      };
      for (const flipped of bitFlips(proof))
        bad('bit flip', () => verifyInclusion(c.index, c.size, leaf, flipped, root(c.size)));
      const rootFlip = Buffer.from(root(c.size));
      rootFlip[0]! ^= 0x80;
      bad('root bit flip', () => verifyInclusion(c.index, c.size, leaf, proof, rootFlip));
      const leafFlip = Buffer.from(leaf);
      leafFlip[31]! ^= 1;
      bad('leaf bit flip', () => verifyInclusion(c.index, c.size, leafFlip, proof, root(c.size)));
      if (proof.length > 0)
        bad('truncated', () => verifyInclusion(c.index, c.size, leaf, proof.slice(0, -1), root(c.size)));
      bad('padded', () => verifyInclusion(c.index, c.size, leaf, [...proof, proof[0] ?? leaf], root(c.size)));
      bad('padded in front', () => verifyInclusion(c.index, c.size, leaf, [leaf, ...proof], root(c.size)));
      bad('index = size', () => verifyInclusion(c.size, c.size, leaf, proof, root(c.size)));
      // A wrong size is only detectable when it changes the shape of the path; the RFC does not bind
      // the size into the hashes, so a size with the same path shape and the same root still verifies.
      for (const size of [c.size + 1, c.size * 2, c.size - 1, Math.floor(c.size / 2)]) {
        if (size <= c.index || inclusionProofLength(c.index, size) === proof.length) continue;
        bad(`size ${size}`, () => verifyInclusion(c.index, size, leaf, proof, root(c.size)));
      }
      if (c.size > 1) {
        bad('other root', () => verifyInclusion(c.index, c.size, leaf, proof, root(c.size - 1)));
        bad('other index', () => verifyInclusion((c.index + 1) % c.size, c.size, leaf, proof, root(c.size)));
      }
      if (proof.length > 1) {
        bad('swapped hashes', () =>
          verifyInclusion(c.index, c.size, leaf, [proof[1]!, proof[0]!, ...proof.slice(2)], root(c.size)),
        );
      }
      bad('short hash', () =>
        verifyInclusion(c.index, c.size, leaf, [...proof.slice(0, -1), Buffer.alloc(31)], root(c.size)),
      );
    }
    assert.ok(checked > 1000, `checked ${checked}`);
  });

  test('generation rejects an index outside the tree', async () => {
    await assert.rejects(inclusionProof(5, 5, tree), ProofError);
    await assert.rejects(inclusionProof(-1, 5, tree), ProofError);
    await assert.rejects(inclusionProof(0, 0, tree), ProofError);
  });
});

describe('consistency proofs', () => {
  test(`${fx.consistency.length} proofs match the Go reference and verify`, async () => {
    for (const c of fx.consistency) {
      const proof = await consistencyProof(c.size1, c.size2, tree);
      assert.deepEqual(enc(proof), c.proof, `${c.size1} -> ${c.size2}`);
      verifyConsistency(c.size1, c.size2, root(c.size1), root(c.size2), proof);
    }
  });

  test('all pairs up to 70 verify', async () => {
    for (let n = 1; n <= 70; n++) {
      for (let m = 1; m <= n; m++)
        verifyConsistency(m, n, root(m), root(n), await consistencyProof(m, n, tree));
    }
  });

  test('an empty tree, equal sizes and reversed sizes follow the RFC', async () => {
    assert.throws(() => verifyConsistency(0, 5, EMPTY_ROOT, root(5), []), /empty tree/);
    assert.throws(() => verifyConsistency(0, 5, EMPTY_ROOT, root(5), [root(5)]), /empty tree/);
    assert.throws(() => verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, []), /empty tree/);
    await assert.rejects(consistencyProof(0, 5, tree), /empty tree/);
    verifyConsistency(7, 7, root(7), root(7), []);
    assert.throws(() => verifyConsistency(7, 7, root(7), root(7), [root(7)]), /empty consistency proof/);
    assert.throws(() => verifyConsistency(7, 7, root(7), root(6), []), /different roots/);
    assert.throws(() => verifyConsistency(8, 7, root(8), root(7), []), /larger/);
    assert.throws(() => verifyConsistency(3, 7, root(3), root(7), []), /empty/);
  });

  test('tampered proofs are rejected', () => {
    let checked = 0;
    for (const c of fx.consistency) {
      if (c.size1 === c.size2) continue;
      const proof = c.proof.map(b64);
      const r1 = root(c.size1);
      const r2 = root(c.size2);
      const bad = (why: string, f: () => void) => {
        assert.throws(f, ProofError, `${why}: ${c.size1} -> ${c.size2}`);
        checked++;
      };
      for (const flipped of bitFlips(proof))
        bad('bit flip', () => verifyConsistency(c.size1, c.size2, r1, r2, flipped));
      bad('swapped roots', () => verifyConsistency(c.size1, c.size2, r2, r1, proof));
      const f1 = Buffer.from(r1);
      f1[5]! ^= 4;
      bad('root1 flip', () => verifyConsistency(c.size1, c.size2, f1, r2, proof));
      const f2 = Buffer.from(r2);
      f2[5]! ^= 4;
      bad('root2 flip', () => verifyConsistency(c.size1, c.size2, r1, f2, proof));
      bad('truncated', () => verifyConsistency(c.size1, c.size2, r1, r2, proof.slice(0, -1)));
      bad('padded', () => verifyConsistency(c.size1, c.size2, r1, r2, [...proof, proof[0]!]));
      bad('padded in front', () => verifyConsistency(c.size1, c.size2, r1, r2, [r1, ...proof]));
      // As for inclusion, a wrong size is detectable when it changes the proof's shape.
      const sizes: [number, number][] = [
        [c.size1, c.size2 + 1],
        [c.size1, c.size2 * 2],
        [c.size1, c.size2 - 1],
        [c.size1 - 1, c.size2],
        [c.size1 + 1, c.size2],
        [c.size1 * 2, c.size2],
      ];
      for (const [s1, s2] of sizes) {
        if (s1 < 1 || s1 >= s2 || consistencyProofLength(s1, s2) === proof.length) continue;
        bad(`sizes ${s1} -> ${s2}`, () => verifyConsistency(s1, s2, r1, r2, proof));
      }
      bad('no proof', () => verifyConsistency(c.size1, c.size2, r1, r2, []));
      if (proof.length > 1) {
        bad('swapped hashes', () =>
          verifyConsistency(c.size1, c.size2, r1, r2, [proof[1]!, proof[0]!, ...proof.slice(2)]),
        );
      }
    }
    assert.ok(checked > 1000, `checked ${checked}`);
  });
});

/** Must match variants() in test/ledger/reference/main.go. */
function variants(p: Buffer[]): Map<string, Buffer[]> {
  const v = new Map<string, Buffer[]>([['valid', p]]);
  if (p.length > 0) {
    v.set('truncated', p.slice(0, -1));
    const f = p.map((h) => Buffer.from(h));
    f[f.length - 1]![7]! ^= 0x10;
    v.set('last bit flip', f);
    const g = p.map((h) => Buffer.from(h));
    g[0]![0]! ^= 1;
    v.set('first bit flip', g);
    v.set('padded', [...p, p[0]!]);
  }
  if (p.length > 1) v.set('swapped', [p[1]!, p[0]!, ...p.slice(2)]);
  return v;
}

describe('agreement with the Go reference verifiers', () => {
  test(`${fx.verdicts.rows.length} verdicts on valid and tampered proofs agree`, () => {
    const incl = new Map(fx.inclusion.map((c) => [`${c.index}/${c.size}`, c.proof.map(b64)]));
    const cons = new Map(fx.consistency.map((c) => [`${c.size1}/${c.size2}`, c.proof.map(b64)]));
    let accepted = 0;
    for (const [kind, base0, base1, whatIdx, a, b, rootA, rootB, ok] of fx.verdicts.rows) {
      const what = fx.verdicts.whats[whatIdx]!;
      const baseProof = (kind === 'i' ? incl : cons).get(`${base0}/${base1}`)!;
      const proof = variants(baseProof).get(what.replace(', roots swapped', ''))!;
      assert.ok(proof, what);
      let mine = true;
      try {
        if (kind === 'i') verifyInclusion(a, b, leafHash(fixtureEntry(a)), proof, root(rootB));
        else verifyConsistency(a, b, root(rootA), root(rootB), proof);
      } catch (err) {
        assert.ok(err instanceof ProofError);
        mine = false;
      }
      assert.equal(
        mine,
        ok === 1,
        `${kind} base ${base0}/${base1} ${what} sizes ${a},${b} roots ${rootA},${rootB}`,
      );
      if (mine) accepted++;
    }
    assert.ok(accepted > 300 && accepted < fx.verdicts.rows.length / 5);
  });
});
