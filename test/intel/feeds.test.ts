// Remote feed credentials on both databases: a token an older version stored in the clear is sealed
// when the feed service starts (the clear column emptied), and the sealed one is what a run opens.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { AppContext } from '../../src/app/context.ts';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

for (const kind of testDatabaseKinds()) {
  describe(`intel feed credentials on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let ctx: AppContext;
    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      ctx = s.ctx;
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('a clear token left by an older version is sealed on start and still used by runs', async () => {
      const root = (await ctx.orgs.root())!;
      const local = (await ctx.intel.collectionOf(root.id)).id;
      const id = randomUUID();
      const clear = `legacy-token-${randomUUID()}`;
      await tdb.db.query(
        `INSERT INTO intel_feeds (id, org_id, name, direction, api_root, collection, token, local_collection)
         VALUES ($1, $2, 'legacy', 'pull', 'http://127.0.0.1:9/taxii2/default/', 'c', $3, $4)`,
        [id, root.id, clear, local],
      );
      assert.equal(await ctx.intelFeeds.sealClearTokens(), 1);
      const row = await tdb.db.query<{ token: string | null; sealed: Uint8Array | null }>(
        'SELECT token, token_sealed AS sealed FROM intel_feeds WHERE id = $1',
        [id],
      );
      assert.equal(row.rows[0]!.token, null);
      assert.ok(!Buffer.from(row.rows[0]!.sealed!).includes(Buffer.from(clear)));
      assert.equal(await ctx.intelFeeds.sealClearTokens(), 0, 'nothing left in the clear');
      // A run sends the opened token to the remote server, and only there.
      const seen: string[] = [];
      const fetchSpy: typeof fetch = async (_url, init) => {
        seen.push(String((init?.headers as Record<string, string> | undefined)?.authorization));
        return new Response(JSON.stringify({ more: false }), {
          status: 200,
          headers: { 'content-type': 'application/taxii+json;version=2.1' },
        });
      };
      const { FeedService, CredentialBox } = await import('../../src/intel/index.ts');
      const kek = ctx.config.ledger;
      const feeds = new FeedService(
        tdb.db,
        ctx.intel,
        (o) => ctx.orgs.orgRef(o),
        new CredentialBox({ secret: kek.secret, kekFile: kek.kekFile }),
        fetchSpy,
      );
      const actor = {
        subject: 'token' as const,
        id: 'test',
        userId: null,
        name: 'test',
        org: (await ctx.orgs.orgRef(root.id))!,
        roles: ['admin' as const],
      };
      await feeds.runAs(actor, id);
      assert.deepEqual(seen, [`Bearer ${clear}`]);
    });
  });
}
