import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inclusionProof } from './merkle.ts';
import { CachingTileReader } from './tile-cache.ts';
import { MemoryTileStore, type TileId, TileHashSource, TreeBuilder } from './tiles.ts';

function tree(n: number): { store: MemoryTileStore; builder: TreeBuilder } {
  const store = new MemoryTileStore();
  const builder = new TreeBuilder();
  for (let i = 0; i < n; i += 4096) {
    const batch = Array.from({ length: Math.min(4096, n - i) }, (_, k) => Buffer.from(`entry ${i + k}`));
    for (const t of builder.append(batch).tiles) store.put(t);
  }
  return { store, builder };
}

test('proofs through the tile cache equal proofs from the store, and read only level-0 tiles once warm', async () => {
  const { store } = tree(70_000);
  const reads: TileId[][] = [];
  const counting = {
    readTiles: (ids: readonly TileId[]) => store.readTiles(ids),
    readTilesWithNodes: (ids: readonly TileId[]) => {
      reads.push([...ids]);
      return store.readTilesWithNodes(ids);
    },
  };
  const cache = new CachingTileReader(counting, 2);
  for (const i of [0, 12_345, 69_999, 40_000, 255, 256]) {
    const want = await inclusionProof(i, 70_000, new TileHashSource(store, 70_000));
    const got = await inclusionProof(i, 70_000, new TileHashSource(cache, 70_000));
    assert.deepEqual(got, want);
  }
  reads.length = 0;
  await inclusionProof(33_333, 70_000, new TileHashSource(cache, 70_000));
  assert.ok(
    reads.flat().every((t) => t.level === 0),
    `only level 0 from the source once the upper tiles are cached: ${JSON.stringify(reads)}`,
  );
  assert.ok(cache.size.level0 <= 2, 'level-0 tiles are bounded');
});

test('a cached partial tile answers narrower reads; a wider read goes to the source and replaces it', async () => {
  const small = tree(300);
  const big = tree(600);
  let source = small.store;
  const cache = new CachingTileReader({
    readTiles: (ids) => source.readTiles(ids),
    readTilesWithNodes: (ids) => source.readTilesWithNodes(ids),
  });
  const id = (width: number): TileId => ({ level: 0, index: 1, width });
  assert.equal((await cache.readTiles([id(44)]))[0]!.length, 44 * 32);
  source = big.store;
  // Narrower than what is cached: from the cache (the same prefix in both trees).
  assert.deepEqual((await cache.readTiles([id(10)]))[0], (await big.store.readTiles([id(10)]))[0]);
  // Wider: read again.
  assert.deepEqual((await cache.readTiles([id(256)]))[0], (await big.store.readTiles([id(256)]))[0]);
});
