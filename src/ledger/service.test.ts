import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Actor, OrgRef } from '../access/index.ts';
import { loadConfig } from '../platform/config.ts';
import { openDatabase } from '../platform/db/index.ts';
import type { Database } from '../platform/db/types.ts';
import { createLogger } from '../platform/log.ts';
import { testDatabaseKinds } from '../platform/testing.ts';
import { openCheckpoint } from './checkpoint.ts';
import { cosignCheckpoint } from './cosignature.ts';
import { entryCommitsTo, metadataBytes, parseEntry } from './entry.ts';
import { commitRecord } from './index.ts';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.ts';
import {
  formatVerifierKey,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_COSIGNATURE_V1,
} from './note.ts';
import { verifyReceipt } from './receipt.ts';
import { ledgerSettings } from './config.ts';
import { decryptSeed } from './keys.ts';
import { LedgerService } from './service.ts';
import { decodeEntryBundle, tilePath } from './tiles.ts';
import { ed25519PrivateKey, ed25519RawPublicKey } from './note.ts';

const orgA: OrgRef = { id: 'org-a', path: '/org-a/', kind: 'operator', sector: 'energy', region: 'BW' };
const orgB: OrgRef = { id: 'org-b', path: '/org-b/', kind: 'operator', sector: 'energy', region: 'BW' };
const actorOf = (org: OrgRef): Actor => ({
  subject: 'user',
  id: 'u',
  userId: 'u',
  name: 'u',
  org,
  roles: ['viewer'],
});

const witness = generateNoteKey('witness.example/w1');
const witnessSeed = parseSignerKey(witness.skey).seed;
const witnessVkey = formatVerifierKey(
  'witness.example/w1',
  SIG_COSIGNATURE_V1,
  ed25519RawPublicKey(ed25519PrivateKey(witnessSeed)),
);

function service(db: Database, env: Record<string, string> = {}): LedgerService {
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      BULWARK_LEDGER_ORIGIN: 'test.example/ledger',
      BULWARK_LEDGER_WITNESSES: witnessVkey,
      BULWARK_LEDGER_BATCH: '100',
      ...env,
    },
    { dataDir: '/tmp/bulwark-ledger-test', port: '8080' },
  );
  const settings = ledgerSettings(config.ledger);
  return new LedgerService(
    {
      db,
      log: createLogger('silent'),
      orgs: { orgRef: async (id) => [orgA, orgB].find((o) => o.id === id) },
    },
    settings,
  );
}

async function commitMany(db: Database, from: number, n: number, org = 'org-a'): Promise<void> {
  for (let i = from; i < from + n; i += 50) {
    await db.transaction(async (tx) => {
      for (let j = i; j < Math.min(from + n, i + 50); j++) {
        await commitRecord(tx, { kind: 'incident', id: `i-${j}`, version: 1, org, record: { n: j } });
      }
    });
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`ledger service on ${kind.name}`, { skip: kind.skip }, () => {
    test('sequences entries into tiles, signed checkpoints, proofs and receipts', async () => {
      const t = await kind.open();
      try {
        const ledger = service(t.db);
        const vkey = parseVerifierKey(await ledger.verifierKey());
        assert.equal(vkey.name, 'test.example/ledger');
        assert.equal(openCheckpoint(await ledger.checkpoint(), vkey).checkpoint.size, 0);

        await commitMany(t.db, 0, 700);
        assert.equal(await ledger.integrateNow(), 700);
        const cp = openCheckpoint(await ledger.checkpoint(), vkey).checkpoint;
        assert.equal(cp.size, 700);

        // Tiles: level 0 has two full tiles and a partial one of 188; entries bundle the same.
        const full = await ledger.tile('0/001');
        assert.equal(full.length, 256 * 32);
        assert.equal((await ledger.tile('0/002.p/188')).length, 188 * 32);
        assert.deepEqual(
          (await ledger.tile('0/002.p/10')).subarray(0, 320),
          (await ledger.tile('0/002.p/188')).subarray(0, 320),
        );
        const bundle = decodeEntryBundle(await ledger.tile('entries/002.p/188'));
        assert.equal(bundle.length, 188);
        assert.deepEqual(leafHash(bundle[5]!), (await ledger.tile('0/002.p/188')).subarray(5 * 32, 6 * 32));
        // The public bundles hold opaque entries only (issue 8): no kind, id or organization.
        assert.equal(parseEntry(bundle[0]!).v, 2);
        for (const e of bundle) assert.equal(/i-5|incident|org/.test(e.toString('utf8')), false);
        await assert.rejects(ledger.tile('0/003'), /does not exist/);
        await assert.rejects(ledger.tile('0/002'), /does not exist/);
        await assert.rejects(ledger.tile('0/002.p/189'), /does not exist/);
        await assert.rejects(ledger.tile('0/x000/002'), /does not exist/);
        assert.equal((await ledger.tile('1/000.p/2')).length, 64);

        // Proofs from the stored tiles verify against the signed root.
        for (const i of [0, 255, 256, 511, 699]) {
          const p = await ledger.inclusionProof(i, 700);
          assert.equal(p.root, cp.root.toString('base64'));
          const entry = i < 512 ? undefined : bundle[i - 512];
          if (entry)
            verifyInclusion(
              i,
              700,
              leafHash(entry),
              p.proof.map((h) => Buffer.from(h, 'base64')),
              cp.root,
            );
        }
        const c = await ledger.consistencyProof(300, 700);
        verifyConsistency(
          300,
          700,
          Buffer.from(c.root1, 'base64'),
          cp.root,
          c.proof.map((h) => Buffer.from(h, 'base64')),
        );
        await assert.rejects(ledger.inclusionProof(0, 701), /beyond the latest checkpoint/);
        await assert.rejects(ledger.consistencyProof(0, 700), /empty tree/);

        // Receipts: for the owner's organization only; they verify offline with the verifier key.
        const r = await ledger.receipt(actorOf(orgA), 'incident', 'i-600');
        assert.equal(r.leafIndex, 600);
        const v = verifyReceipt(r.receipt, vkey);
        assert.equal(v.checkpoint.size, 700);
        assert.equal(r.entry.id, 'i-600');
        assert.equal(r.entry.v, 2);
        const { v: _v, ...metadata } = r.entry;
        assert.ok(
          entryCommitsTo(v.entry!, Buffer.from(r.salt, 'base64'), { n: 600 }, metadataBytes(metadata)),
        );
        assert.ok(
          !entryCommitsTo(v.entry!, Buffer.from(r.salt, 'base64'), { n: 601 }, metadataBytes(metadata)),
        );
        await assert.rejects(
          ledger.receipt(actorOf(orgB), 'incident', 'i-600'),
          /does not exist or is not visible/,
        );
        await assert.rejects(ledger.receipt(actorOf(orgA), 'incident', 'nope'), /does not exist/);

        // Status
        const s = await ledger.status();
        assert.equal(s.treeSize, 700);
        assert.equal(s.pending, 0);
        assert.equal(s.witnesses[0]!.name, 'witness.example/w1');
      } finally {
        await t.dispose();
      }
    });

    test('a committed but not yet sequenced record has no receipt yet', async () => {
      const t = await kind.open();
      try {
        const ledger = service(t.db);
        await ledger.key();
        await commitMany(t.db, 0, 3);
        await assert.rejects(ledger.receipt(actorOf(orgA), 'incident', 'i-1'), /not yet in the log/);
        await ledger.integrateNow();
        assert.equal((await ledger.receipt(actorOf(orgA), 'incident', 'i-1')).leafIndex, 1);
      } finally {
        await t.dispose();
      }
    });

    test('witness cosignatures are checked, stored and served on the checkpoint', async () => {
      const t = await kind.open();
      try {
        const ledger = service(t.db);
        const vkey = parseVerifierKey(await ledger.verifierKey());
        await commitMany(t.db, 0, 10);
        await ledger.integrateNow();
        const note = await ledger.checkpoint();
        const text = note.slice(0, note.indexOf('\n\n') + 1);
        const line = cosignCheckpoint(text, 'witness.example/w1', witnessSeed);
        assert.deepEqual(await ledger.addCosignatures(10, [line]), { accepted: ['witness.example/w1'] });
        const opened = openCheckpoint(await ledger.checkpoint(), vkey, [parseVerifierKey(witnessVkey)]);
        assert.equal(opened.cosignatures.length, 1);
        const stranger = generateNoteKey('witness.example/w1');
        const strangerLine = cosignCheckpoint(text, 'witness.example/w1', parseSignerKey(stranger.skey).seed);
        await assert.rejects(ledger.addCosignatures(10, [strangerLine]), /not from a configured witness/);
        await assert.rejects(ledger.addCosignatures(0, [line]), /invalid cosignature/);
        await assert.rejects(ledger.addCosignatures(11, [line]), /does not exist/);
        const r = await ledger.receipt(actorOf(orgA), 'incident', 'i-3');
        assert.equal(
          verifyReceipt(r.receipt, vkey, { witnesses: [parseVerifierKey(witnessVkey)], quorum: 1 })
            .cosignatures.length,
          1,
        );
        assert.equal((await ledger.status()).witnesses[0]!.lastCosignedSize, 10);
      } finally {
        await t.dispose();
      }
    });

    test('a restarted sequencer resumes from the stored tiles and stays consistent', async () => {
      const t = await kind.open();
      try {
        const first = service(t.db);
        const vkey = parseVerifierKey(await first.verifierKey());
        await commitMany(t.db, 0, 300);
        await first.integrateNow();
        const before = openCheckpoint(await first.checkpoint(), vkey).checkpoint;
        const second = service(t.db); // a new process: nothing in memory
        assert.equal(await second.verifierKey(), await first.verifierKey());
        await commitMany(t.db, 300, 250);
        assert.equal(await second.integrateNow(), 250);
        const after = openCheckpoint(await second.checkpoint(), vkey).checkpoint;
        assert.equal(after.size, 550);
        const c = await second.consistencyProof(before.size, after.size);
        verifyConsistency(
          before.size,
          after.size,
          before.root,
          after.root,
          c.proof.map((h) => Buffer.from(h, 'base64')),
        );
        // The first instance's edge is stale now: it reloads and carries on.
        await commitMany(t.db, 550, 5);
        assert.equal(await first.integrateNow(), 5);
        assert.equal(openCheckpoint(await first.checkpoint(), vkey).checkpoint.size, 555);
      } finally {
        await t.dispose();
      }
    });

    test('a tampered tile stops the sequencer before it signs anything', async () => {
      const t = await kind.open();
      try {
        await service(t.db).key();
        await commitMany(t.db, 0, 20);
        await service(t.db).integrateNow();
        await t.db.query(
          'UPDATE ledger_tiles SET data = set_byte(data, 0, get_byte(data, 0) # 255) WHERE level = 0',
        );
        await commitMany(t.db, 20, 1);
        await assert.rejects(
          service(t.db).integrateNow(),
          /cannot restore the tree at size 20|stored tiles give root/,
        );
        const n = await t.db.query<{ n: number }>('SELECT max(tree_size)::int AS n FROM ledger_checkpoints');
        assert.equal(n.rows[0]!.n, 20);
      } finally {
        await t.dispose();
      }
    });

    test('without a secret the key is encrypted under a 0600 KEK file; a clear key is encrypted on start; a secret re-wraps it', async () => {
      const t = await kind.open();
      const dir = mkdtempSync(join(tmpdir(), 'bulwark-kek-'));
      const kekFile = join(dir, 'ledger-kek');
      try {
        const stored = async () =>
          (
            await t.db.query<{ encrypted: boolean; private_key: Uint8Array }>(
              'SELECT encrypted, private_key FROM ledger_keys',
            )
          ).rows[0]!;
        const vk = await service(t.db, { BULWARK_LEDGER_KEK_FILE: kekFile }).verifierKey();
        assert.equal((statSync(kekFile).mode & 0o777).toString(8), '600');
        const first = await stored();
        assert.equal(first.encrypted, true);
        assert.equal(first.private_key.length, 80);
        const seed = decryptSeed(Buffer.from(first.private_key), readFileSync(kekFile, 'utf8').trim());
        // The seed appears nowhere in the stored row.
        assert.ok(!Buffer.from(first.private_key).includes(seed));
        assert.equal(await service(t.db, { BULWARK_LEDGER_KEK_FILE: kekFile }).verifierKey(), vk);

        // A database from before: the seed stored in the clear is encrypted on the next start.
        await t.db.query('UPDATE ledger_keys SET private_key = $1, encrypted = false', [seed]);
        assert.equal(await service(t.db, { BULWARK_LEDGER_KEK_FILE: kekFile }).verifierKey(), vk);
        const again = await stored();
        assert.equal(again.encrypted, true);
        assert.ok(!Buffer.from(again.private_key).includes(seed));

        // A secret set later takes over; the file is then no longer needed.
        const secret = 'a secret set later, long enough';
        assert.equal(
          await service(t.db, {
            BULWARK_LEDGER_KEK_FILE: kekFile,
            BULWARK_LEDGER_SECRET: secret,
          }).verifierKey(),
          vk,
        );
        assert.deepEqual(decryptSeed(Buffer.from((await stored()).private_key), secret), seed);
        rmSync(kekFile);
        await assert.rejects(
          service(t.db, { BULWARK_LEDGER_KEK_FILE: kekFile }).verifierKey(),
          /set BULWARK_LEDGER_SECRET/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await t.dispose();
      }
    });

    test('the signing key can be stored encrypted', async () => {
      const t = await kind.open();
      try {
        const secret = 'correct horse battery staple';
        const a = service(t.db, { BULWARK_LEDGER_SECRET: secret });
        const vk = await a.verifierKey();
        const row = await t.db.query<{ encrypted: boolean; private_key: Uint8Array }>(
          'SELECT encrypted, private_key FROM ledger_keys',
        );
        assert.equal(row.rows[0]!.encrypted, true);
        assert.equal(row.rows[0]!.private_key.length, 80);
        assert.equal(await service(t.db, { BULWARK_LEDGER_SECRET: secret }).verifierKey(), vk);
        await assert.rejects(service(t.db).verifierKey(), /BULWARK_LEDGER_SECRET/);
        await assert.rejects(
          service(t.db, { BULWARK_LEDGER_SECRET: 'another secret of length' }).verifierKey(),
          /does not decrypt/,
        );
      } finally {
        await t.dispose();
      }
    });
  });
}

describe('several sequencers on one PostgreSQL database', { skip: testDatabaseKinds()[1]!.skip }, () => {
  test('integrate one at a time and never publish inconsistent checkpoints', async () => {
    const t = await testDatabaseKinds()[1]!.open();
    const other = await openDatabase({ url: t.url! }, { migrate: false });
    try {
      const a = service(t.db, { BULWARK_LEDGER_BATCH: '37' });
      const b = service(other, { BULWARK_LEDGER_BATCH: '53' });
      const vkey = parseVerifierKey(await a.verifierKey());
      assert.equal(await b.verifierKey(), await a.verifierKey());
      const writers = Array.from({ length: 4 }, (_, w) => commitMany(w % 2 ? other : t.db, w * 400, 400));
      const sequencing = (async () => {
        let done = 0;
        while (done < 1600) {
          const [x, y] = await Promise.all([a.integrateNow(), b.integrateNow()]);
          done += x + y;
        }
      })();
      await Promise.all([...writers, sequencing]);
      const rows = await t.db.query<{ tree_size: number; note: string }>(
        'SELECT tree_size, note FROM ledger_checkpoints ORDER BY tree_size',
      );
      assert.equal(rows.rows.at(-1)!.tree_size, 1600);
      const last = openCheckpoint(rows.rows.at(-1)!.note, vkey).checkpoint;
      for (const r of rows.rows) {
        const c = openCheckpoint(r.note, vkey).checkpoint;
        if (c.size === 0) continue;
        const p = await a.consistencyProof(c.size, last.size);
        verifyConsistency(
          c.size,
          last.size,
          c.root,
          last.root,
          p.proof.map((h) => Buffer.from(h, 'base64')),
        );
      }
      const dup = await t.db.query<{ n: number; seqs: number; pending: number }>(
        `SELECT count(DISTINCT l.leaf_index)::int AS n, count(DISTINCT l.seq)::int AS seqs,
           (SELECT count(*)::int FROM ledger_pending) AS pending
         FROM ledger_commitments c JOIN ledger_leaves l USING (seq)`,
      );
      assert.deepEqual(dup.rows[0], { n: 1600, seqs: 1600, pending: 0 });
      assert.ok(tilePath({ level: 0, index: 6, width: 64 }));
    } finally {
      await other.close();
      await t.dispose();
    }
  });
});
