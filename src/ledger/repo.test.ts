// Stored hash tiles read back on PGlite and PostgreSQL: one tile alone (the primary-key lookup a
// proof through the tile cache makes for its level-0 tile) answers exactly what the same tile
// asked among others does — prefixes of narrower widths, inner hashes only for full tiles, nothing
// for a width wider than stored or a tile not stored.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { testDatabaseKinds } from '../platform/testing.ts';
import { putTiles, readTilesWithNodes } from './repo.ts';
import type { TileId } from './tiles.ts';

for (const kind of testDatabaseKinds()) {
  describe(`ledger tiles stored on ${kind.name}`, { skip: kind.skip }, () => {
    test('one tile alone reads as it does among others', async () => {
      const t = await kind.open();
      try {
        const full = {
          level: 0,
          index: 7,
          width: 256,
          data: randomBytes(256 * 32),
          nodes: randomBytes(960),
        };
        const partial = { level: 1, index: 0, width: 40, data: randomBytes(40 * 32) };
        await t.db.transaction((tx) => putTiles(tx, [full, partial]));
        const asks: TileId[] = [
          { level: 0, index: 7, width: 256 },
          { level: 0, index: 7, width: 100 },
          { level: 1, index: 0, width: 40 },
          { level: 1, index: 0, width: 12 },
          { level: 1, index: 0, width: 41 },
          { level: 0, index: 8, width: 256 },
        ];
        const together = await readTilesWithNodes(t.db, asks);
        const alone = await Promise.all(asks.map(async (a) => (await readTilesWithNodes(t.db, [a]))[0]));
        const plain = (x: { data: Buffer; nodes?: Buffer } | undefined) =>
          x && {
            data: Buffer.from(x.data).toString('hex'),
            nodes: x.nodes && Buffer.from(x.nodes).toString('hex'),
          };
        assert.deepEqual(alone.map(plain), together.map(plain));
        assert.deepEqual(plain(alone[0]), {
          data: full.data.toString('hex'),
          nodes: full.nodes.toString('hex'),
        });
        assert.deepEqual(plain(alone[1]), {
          data: full.data.subarray(0, 100 * 32).toString('hex'),
          nodes: undefined,
        });
        assert.deepEqual(plain(alone[3]), {
          data: partial.data.subarray(0, 12 * 32).toString('hex'),
          nodes: undefined,
        });
        assert.equal(alone[4], undefined, 'wider than stored');
        assert.equal(alone[5], undefined, 'not stored');
      } finally {
        await t.dispose();
      }
    });
  });
}
