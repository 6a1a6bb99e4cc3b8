import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, fixtureEntry, loadFixtures } from './fixtures.test-util.ts';
import { consistencyProof, inclusionProof, leafHash, MemoryTree, treeRoot } from './merkle.ts';
import {
  changedTiles,
  decodeEntryBundle,
  digest,
  encodeEntryBundle,
  formatTileIndex,
  hashFromTile,
  MemoryTileStore,
  parseTilePath,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  subtreeHash,
  TileError,
  TileHashSource,
  type TileId,
  tileForStoredHash,
  tileInnerNodes,
  tileSubtreeHash,
  tilePath,
  tileWidth,
  TreeBuilder,
  truncateEntryBundle,
} from './tiles.ts';

const fx = loadFixtures();
const N = fx.leafCount;
const entries = Array.from({ length: N }, (_, i) => fixtureEntry(i));

/** Builds the fixture tree through TreeBuilder in uneven batches; keeps every tile it wrote. */
function buildTiles(batches = [1, 2, 5, 250, 3, 300, 1, 255, 1]) {
  const store = new MemoryTileStore();
  const bundles = new Map<number, Buffer>();
  const builder = new TreeBuilder();
  let i = 0;
  let b = 0;
  const rootsSeen: [number, string][] = [];
  while (i < N) {
    const n = Math.min(batches[b++ % batches.length]!, N - i);
    const out = builder.append(entries.slice(i, i + n));
    for (const t of out.tiles) store.put(t);
    for (const t of out.bundles) bundles.set(t.index, t.data);
    assert.deepEqual(out.leafHashes, entries.slice(i, i + n).map(leafHash));
    i += n;
    rootsSeen.push([i, builder.root().toString('base64')]);
  }
  return { store, bundles, builder, rootsSeen };
}

const built = buildTiles();

describe('tile paths', () => {
  test('match the Go reference (height omitted, entries for data)', () => {
    for (const p of fx.paths) {
      const t: TileId = { level: p.level === -1 ? 'entries' : p.level, index: p.n, width: p.width };
      assert.equal(tilePath(t), p.path);
      assert.deepEqual(parseTilePath(p.path), t);
    }
    assert.equal(formatTileIndex(1234067), 'x001/x234/067');
  });
  test('non-canonical and invalid paths are rejected', () => {
    for (const bad of [
      'tile/0/x000/001',
      'tile/0/1',
      'tile/0/0001',
      'tile/0/001.p/256',
      'tile/0/001.p/0',
      'tile/0/001.p/012',
      'tile/64/000',
      'tile/00/000',
      'tile/-1/000',
      'tile/data/000',
      'tile/0/x001',
      'tile/0/001/',
      'tile/entries/x1/000',
      'tile/0/001.p/',
    ]) {
      assert.throws(() => parseTilePath(bad), TileError, bad);
    }
  });
});

describe('stored hash indexes (Go sumdb scheme)', () => {
  test('index, split and count match the Go reference', () => {
    for (const c of fx.storedHashIndex) {
      assert.equal(storedHashIndex(c.level, c.n), c.index, `${c.level}/${c.n}`);
      assert.deepEqual(splitStoredHashIndex(c.index), { level: c.level, n: c.n });
    }
    for (const [n, count] of Object.entries(fx.storedHashCount))
      assert.equal(storedHashCount(Number(n)), count, n);
  });
  test('hashes read from tiles match the Go reference', async () => {
    for (const c of fx.hashFromTile) {
      const t = tileForStoredHash(c.storedIndex);
      assert.equal(tilePath(t), c.path);
      const [data] = await built.store.readTiles([t]);
      assert.equal(hashFromTile(t, data!, c.storedIndex).toString('base64'), c.hash);
    }
  });
});

describe('TreeBuilder', () => {
  test('roots after every batch match the Go reference', () => {
    for (const [size, root] of built.rootsSeen) assert.equal(root, fx.roots[String(size)], `size ${size}`);
    assert.ok(built.rootsSeen.length > 8);
  });
  test('every tile the Go reference publishes is served, partial ones as prefixes', async () => {
    for (const [name, list] of Object.entries(fx.tiles)) {
      for (const t of list) {
        const [data] = await built.store.readTiles([{ level: t.level, index: t.n, width: t.width }]);
        assert.ok(data, `${name} ${t.path}`);
        const prefix = data.subarray(0, t.width * 32);
        assert.equal(digest(prefix), t.sha256, `${name} ${t.path}`);
        if (t.data) assert.equal(prefix.toString('base64'), t.data);
      }
    }
  });
  test('changedTiles lists the Go reference tiles, partial tiles at their final width', () => {
    for (const [name, list] of Object.entries(fx.tiles)) {
      const [from, to] = name.split('-').map(Number) as [number, number];
      // Go republishes the old partial tile of an unchanged level; a tile that did not change is not listed here.
      const want = list
        .filter((t) => !list.some((u) => u.level === t.level && u.n === t.n && u.width > t.width))
        .filter((t) => tileWidth(from, t.level, t.n) !== t.width)
        .map((t) => t.path);
      assert.deepEqual(changedTiles(from, to).map(tilePath), want, name);
    }
  });
  test('entry bundles match the C2SP encoding', () => {
    for (const e of fx.entryBundles) {
      const t = parseTilePath(e.path);
      const data = built.bundles.get(t.index)!;
      assert.equal(digest(data), e.sha256, e.path);
      if (e.data) assert.equal(data.toString('base64'), e.data);
      assert.deepEqual(decodeEntryBundle(data), entries.slice(e.start, e.end));
    }
  });
  test('restores from the edge tiles and continues with the same roots', () => {
    for (const cut of [1, 255, 256, 257, 511, 512, 700, 1024, 1099]) {
      const first = new TreeBuilder();
      const store = new MemoryTileStore();
      const bundles = new Map<number, Buffer>();
      const out = first.append(entries.slice(0, cut));
      for (const t of out.tiles) store.put(t);
      for (const t of out.bundles) bundles.set(t.index, t.data);
      const edge = TreeBuilder.edgeTiles(cut).map((t) => ({
        ...t,
        data: store.tiles.get(`${t.level}/${t.index}`)!,
      }));
      const restored = TreeBuilder.restore(cut, edge, bundles.get(Math.floor(cut / 256)));
      assert.equal(restored.root().toString('base64'), fx.roots[String(cut)]);
      restored.append(entries.slice(cut, N));
      assert.equal(restored.root().toString('base64'), fx.roots[String(N)], `cut ${cut}`);
      assert.ok(restored.heldBytes() < 64 * 1024);
    }
  });
  test('restore refuses a bundle that does not match the tiles', () => {
    const b = new TreeBuilder();
    const out = b.append(entries.slice(0, 10));
    const tile = out.tiles[0]!;
    const wrong = encodeEntryBundle([...entries.slice(0, 9), Buffer.from('forged')]);
    assert.throws(() => TreeBuilder.restore(10, [tile], wrong), /does not match/);
    assert.throws(
      () => TreeBuilder.restore(10, [], encodeEntryBundle(entries.slice(0, 10))),
      /needs tile\/0\/000.p\/10/,
    );
  });
});

describe('proofs from tiles', () => {
  test('inclusion and consistency proofs equal the Go reference at every fixture size', async () => {
    for (const c of fx.inclusion) {
      const src = new TileHashSource(built.store, c.size);
      const p = await inclusionProof(c.index, c.size, src);
      assert.deepEqual(
        p.map((h) => h.toString('base64')),
        c.proof,
        `${c.index}/${c.size}`,
      );
    }
    for (const c of fx.consistency) {
      const src = new TileHashSource(built.store, c.size2);
      const p = await consistencyProof(c.size1, c.size2, src);
      assert.deepEqual(
        p.map((h) => h.toString('base64')),
        c.proof,
        `${c.size1}->${c.size2}`,
      );
    }
  });
  test('tree roots from tiles equal the in-memory tree', async () => {
    const mem = new MemoryTree();
    for (const e of entries) mem.append(e);
    for (const n of [1, 2, 255, 256, 257, 300, 511, 512, 513, 1000, 1100]) {
      assert.deepEqual(await treeRoot(n, new TileHashSource(built.store, n)), b64(fx.roots[String(n)]!));
    }
  });
  test('stored inner hashes of full tiles equal the hashes recomputed from the tile', () => {
    const data = built.store.tiles.get('0/1')!;
    const { root, nodes } = tileInnerNodes(data);
    assert.deepEqual(root, subtreeHash(data, 0, 256));
    for (let count = 1; count < 256; count *= 2) {
      for (let start = 0; start < 256; start += count) {
        assert.deepEqual(
          tileSubtreeHash(data, nodes, start, count),
          subtreeHash(data, start, count),
          `${start}+${count}`,
        );
      }
    }
    assert.deepEqual(built.store.nodes.get('0/1'), nodes);
  });
  test('proofs are the same without the inner hashes', async () => {
    const plain = { readTiles: (ids: TileId[]) => built.store.readTiles(ids) };
    for (const c of fx.inclusion.filter((x) => x.size > 600)) {
      const p = await inclusionProof(c.index, c.size, new TileHashSource(plain, c.size));
      assert.deepEqual(
        p.map((h) => h.toString('base64')),
        c.proof,
      );
    }
  });
  test('a missing tile is an error, not a wrong proof', async () => {
    const store = new MemoryTileStore();
    await assert.rejects(inclusionProof(3, 10, new TileHashSource(store, 10)), TileError);
  });
});

describe('entry bundles', () => {
  test('round trip, truncation and malformed bundles', () => {
    const es = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(65_535, 7)];
    const data = encodeEntryBundle(es);
    assert.deepEqual(decodeEntryBundle(data), es);
    assert.deepEqual(decodeEntryBundle(truncateEntryBundle(data, 2)), es.slice(0, 2));
    assert.throws(() => encodeEntryBundle([Buffer.alloc(65_536)]), TileError);
    assert.throws(() => decodeEntryBundle(data.subarray(0, data.length - 1)), /runs past/);
    assert.throws(() => decodeEntryBundle(Buffer.from([0])), /length prefix/);
    assert.throws(() => truncateEntryBundle(data, 4), TileError);
  });
});
