// What the public ledger reveals (issue 8), on PGlite and PostgreSQL: the public entry bundles hold
// only opaque commitments, no kind, id, organization, version or time; the metadata behind an
// entry goes to the record's organization (and those above it) and to the coordination centre's
// auditors, never to an unrelated organization or an anonymous caller; and the public proofs
// still verify the opaque entries against the signed checkpoint.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import canonicalize from 'canonicalize';
import { startTestServer, type TestServer } from '../../src/app/testing.ts';
import { leafHash, verifyInclusion } from '../../src/ledger/merkle.ts';
import { decodeEntryBundle, tilePath } from '../../src/ledger/tiles.ts';
import { systemActor } from '../../src/orgs/index.ts';
import { type TestDatabase, testDatabaseKinds } from '../../src/platform/testing.ts';

type Json = Record<string, unknown>;

async function call(s: TestServer, path: string, token?: string, init: RequestInit = {}) {
  const r = await fetch(s.url + path, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
  });
  const type = r.headers.get('content-type') ?? '';
  const body = type.includes('json') ? ((await r.json()) as Json) : Buffer.from(await r.arrayBuffer());
  return { status: r.status, type, body };
}

for (const kind of testDatabaseKinds()) {
  describe(`public ledger privacy on ${kind.name}`, { skip: kind.skip }, () => {
    let tdb: TestDatabase;
    let s: TestServer;
    let mine: string;
    let assetId: string;
    let leaf: number;
    let size: number;
    let root: Buffer;
    const tokens: Record<string, string> = {};

    before(async () => {
      tdb = await kind.open();
      s = await startTestServer(tdb.db);
      // Two cities of this suite's own that cannot see each other.
      const actor = systemActor((await s.ctx.orgs.root())!);
      const make = async (name: string, parent: string, region: string) =>
        (
          await s.ctx.orgs.createOrg(actor, {
            name: `${name} ${randomUUID().slice(0, 8)}`,
            kind: 'regional-authority',
            parent,
            region,
          })
        ).id;
      mine = await make('ledger privacy city', s.orgId('Northern Province Cyber Office'), 'BW-N-08');
      const other = await make(
        'ledger privacy elsewhere',
        s.orgId('Southern Province Cyber Office'),
        'BW-S-08',
      );
      const centre = s.orgId('National Cyber Security Coordination Centre');
      tokens.mineAdmin = await s.token(mine, 'admin');
      tokens.mineViewer = await s.token(mine, 'viewer');
      tokens.otherAdmin = await s.token(other, 'admin');
      tokens.centreAuditor = await s.token(centre, 'auditor');

      const created = await call(s, '/api/v1/assets', tokens.mineAdmin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'privacy-test-historian' }),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assetId = (created.body as Json).id as string;
      // Integrated shortly after the commit (on PostgreSQL another batch may hold the sequencer).
      let receipt = await call(s, `/api/v1/ledger/receipts?kind=asset&id=${assetId}`, tokens.mineViewer);
      for (let i = 0; i < 200 && receipt.status === 409; i++) {
        await s.ctx.ledger.integrateNow();
        await new Promise((r) => setTimeout(r, 50));
        receipt = await call(s, `/api/v1/ledger/receipts?kind=asset&id=${assetId}`, tokens.mineViewer);
      }
      assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
      leaf = (receipt.body as Json).leafIndex as number;
      const cp = String((await call(s, '/ledger/checkpoint')).body).split('\n');
      size = Number(cp[1]);
      root = Buffer.from(cp[2]!, 'base64');
      assert.ok(leaf < size);
    });
    after(async () => {
      await s?.close();
      await tdb?.dispose();
    });

    test('the public entry bundles hold opaque commitments only, and the proofs verify them', async () => {
      const index = Math.floor(leaf / 256);
      const width = Math.min(256, size - index * 256);
      const path = tilePath({ level: 'entries', index, width });
      const bundle = await call(s, `/ledger/${path}`);
      assert.equal(bundle.status, 200);
      const entries = decodeEntryBundle(bundle.body as Buffer);
      const entry = entries[leaf - index * 256]!;
      const parsed = JSON.parse(entry.toString('utf8')) as Json;
      assert.deepEqual(Object.keys(parsed).sort(), ['c', 'v']);
      assert.equal(parsed.v, 2);
      // No entry of the bundle names the record, its kind, its organization or its time.
      const text = (bundle.body as Buffer).toString('utf8');
      for (const secret of [
        assetId,
        mine,
        '"asset"',
        '"kind"',
        '"org"',
        '"at"',
        String(new Date().getUTCFullYear()),
      ])
        assert.equal(text.includes(secret), false, `the public bundle shows ${secret}`);

      // The public proof of that leaf verifies against the signed root, by anyone.
      const proof = await call(s, `/api/v1/ledger/proofs/inclusion?index=${leaf}&size=${size}`);
      assert.equal(proof.status, 200);
      verifyInclusion(
        leaf,
        size,
        leafHash(entry),
        ((proof.body as Json).proof as string[]).map((h) => Buffer.from(h, 'base64')),
        root,
      );
    });

    test('the metadata goes to the owner and the centre auditor, not to an unrelated organization or anyone', async () => {
      const q = `/api/v1/ledger/entries?from=${leaf}&limit=1`;
      const anonymous = await call(s, q);
      assert.equal(anonymous.status, 401);
      assert.match(anonymous.type, /^application\/problem\+json/);
      assert.equal(JSON.stringify(anonymous.body).includes(assetId), false);

      const bundleEntry = async () => {
        const index = Math.floor(leaf / 256);
        const path = tilePath({ level: 'entries', index, width: Math.min(256, size - index * 256) });
        return decodeEntryBundle((await call(s, `/ledger/${path}`)).body as Buffer)[leaf - index * 256]!;
      };
      const published = JSON.parse((await bundleEntry()).toString('utf8')) as Json;
      for (const who of ['mineViewer', 'centreAuditor']) {
        const r = await call(s, q, tokens[who]);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const items = (r.body as { items: Json[] }).items;
        assert.equal(items.length, 1, who);
        const { index, salt, v, ...metadata } = items[0]!;
        assert.equal(index, leaf);
        assert.equal(v, 2);
        assert.equal(metadata.kind, 'asset');
        assert.equal(metadata.id, assetId);
        assert.equal(metadata.org, mine);
        // What is served is what the public entry commits to.
        const c = createHash('sha256')
          .update(Buffer.from(salt as string, 'base64'))
          .update(canonicalize(metadata)!)
          .digest('base64');
        assert.equal(c, published.c, who);
      }
      const other = await call(s, q, tokens.otherAdmin);
      assert.equal(other.status, 200);
      assert.deepEqual((other.body as { items: Json[] }).items, []);
      assert.equal(JSON.stringify(other.body).includes(assetId), false);

      // The receipt, too, is the owner's and not the unrelated organization's.
      const receipt = await call(s, `/api/v1/ledger/receipts?kind=asset&id=${assetId}`, tokens.mineViewer);
      assert.equal(((receipt.body as Json).entry as Json).org, mine);
      assert.equal(
        (await call(s, `/api/v1/ledger/receipts?kind=asset&id=${assetId}`, tokens.otherAdmin)).status,
        404,
      );
    });

    test('the owner checks offline that the opaque entry commits to its metadata (verify-receipt --metadata)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-privacy-'));
      try {
        const answer = (await call(s, `/api/v1/ledger/receipts?kind=asset&id=${assetId}`, tokens.mineViewer))
          .body as Json;
        const key = String((await call(s, '/ledger/key')).body).trim();
        writeFileSync(join(dir, 'receipt.txt'), answer.receipt as string);
        writeFileSync(join(dir, 'owner.json'), JSON.stringify(answer));
        const forged = { ...answer, entry: { ...(answer.entry as Json), org: 'someone-else' } };
        writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
        const run = (file: string) =>
          spawnSync(
            process.execPath,
            [
              new URL('../../bin/bulwark', import.meta.url).pathname,
              'ledger',
              'verify-receipt',
              join(dir, 'receipt.txt'),
              '--key',
              key,
              '--metadata',
              join(dir, file),
            ],
            { encoding: 'utf8', timeout: 60_000 },
          );
        const ok = run('owner.json');
        assert.equal(ok.status, 0, ok.stderr);
        assert.match(ok.stdout, new RegExp(`metadata: asset ${assetId} v1 of ${mine} at `));
        const bad = run('forged.json');
        assert.equal(bad.status, 1, bad.stdout);
        assert.match(bad.stderr, /metadata does not match the entry/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('bad ranges are precise problems; a range past the tree is empty', async () => {
      for (const [query, field] of [
        ['from=-1', /from/],
        ['from=abc', /from/],
        ['from=0&limit=0', /limit/],
        ['from=0&limit=1001', /limit/],
        ['from=0&x=1', /x/],
      ] as const) {
        const r = await call(s, `/api/v1/ledger/entries?${query}`, tokens.centreAuditor);
        assert.equal(r.status, 400, query);
        assert.match(r.type, /^application\/problem\+json/);
        assert.match(JSON.stringify(r.body), field);
      }
      const past = await call(s, `/api/v1/ledger/entries?from=${size + 10}`, tokens.centreAuditor);
      assert.equal(past.status, 200);
      assert.deepEqual((past.body as Json).items, []);
    });
  });
}
