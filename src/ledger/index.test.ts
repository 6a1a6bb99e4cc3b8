import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabaseKinds } from '../platform/testing.ts';
import { entryCommitsTo, metadataOf, parseEntry, parseMetadata } from './entry.ts';
import { commitRecord, commitRecords, LedgerAppender } from './index.ts';

for (const kind of testDatabaseKinds()) {
  describe(`commitRecord on ${kind.name}`, { skip: kind.skip }, () => {
    test('inserts the canonical entry and the salt in the caller transaction', async () => {
      const t = await kind.open();
      try {
        const record = { title: 'phishing', phone: '+15550100' };
        const { entrySeq } = await t.db.transaction((tx) =>
          commitRecord(tx, { kind: 'incident', id: 'i-1', version: 1, org: 'org-a', record }),
        );
        assert.ok(entrySeq > 0);
        const rows = await t.db.query<{
          entry: Uint8Array;
          salt: Uint8Array;
          metadata: Uint8Array;
          leaf_index: number | null;
          pending: boolean;
        }>(
          `SELECT entry, salt, metadata, l.leaf_index, EXISTS (SELECT 1 FROM ledger_pending p WHERE p.seq = c.seq) AS pending
           FROM ledger_commitments c LEFT JOIN ledger_leaves l USING (seq) WHERE c.seq = $1`,
          [entrySeq],
        );
        const row = rows.rows[0]!;
        // Committed, waiting in the sequencer's queue, no leaf yet.
        assert.equal(row.leaf_index, null);
        assert.equal(row.pending, true);
        // The public entry is opaque (issue 8): neither the kind, the id nor the organization.
        assert.equal(parseEntry(row.entry).v, 2);
        for (const secret of ['incident', 'i-1', 'org-a', '+15550100'])
          assert.equal(Buffer.from(row.entry).includes(secret), false, secret);
        const fields = metadataOf(row.entry, row.salt, row.metadata);
        assert.equal(fields.kind, 'incident');
        assert.equal(fields.org, 'org-a');
        assert.equal(entryCommitsTo(row.entry, row.salt, record, row.metadata), true);
        assert.equal(
          entryCommitsTo(row.entry, row.salt, { ...record, phone: '+15550101' }, row.metadata),
          false,
        );
        assert.equal(
          entryCommitsTo(row.entry, row.salt, record),
          false,
          'an opaque entry needs its metadata',
        );
      } finally {
        await t.dispose();
      }
    });

    test('commitRecords stores many commitments in input order, and all or none', async () => {
      const t = await kind.open();
      try {
        const inputs = Array.from({ length: 4500 }, (_, i) => ({
          kind: 'exposure',
          id: `e-${i}`,
          version: 1,
          org: `org-${i % 7}`,
          record: { i },
        }));
        const seqs = await t.db.transaction((tx) => commitRecords(tx, inputs));
        assert.equal(seqs.length, 4500);
        for (let i = 1; i < seqs.length; i++)
          assert.ok(seqs[i]! > seqs[i - 1]!, 'increasing with input order');
        const rows = await t.db.query<{
          seq: number;
          record_id: string;
          entry: Uint8Array;
          salt: Uint8Array;
          metadata: Uint8Array;
        }>('SELECT seq, record_id, entry, salt, metadata FROM ledger_commitments ORDER BY seq');
        assert.equal(rows.rows.length, 4500);
        for (const [i, row] of rows.rows.entries()) {
          assert.equal(row.record_id, `e-${i}`);
          assert.equal(Number(row.seq), seqs[i]);
          assert.equal(entryCommitsTo(row.entry, row.salt, { i }, row.metadata), true);
        }
        // A duplicate (same kind, id and version) fails the whole transaction: nothing is half-written.
        await assert.rejects(
          t.db.transaction((tx) => commitRecords(tx, [{ ...inputs[0]!, id: 'new-1' }, inputs[1]!])),
        );
        const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_commitments');
        assert.equal(after.rows[0]!.n, 4500);
      } finally {
        await t.dispose();
      }
    });

    test('LedgerAppender group-commits concurrent appends; a bad one fails alone', async () => {
      const t = await kind.open();
      try {
        const appender = new LedgerAppender(t.db);
        const results = await Promise.allSettled(
          Array.from({ length: 300 }, (_, i) =>
            appender.append({
              kind: 'report',
              id: `r-${i === 299 ? 0 : i}`,
              version: 1,
              org: 'o',
              record: { i },
            }),
          ),
        );
        const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.entrySeq);
        assert.equal(ok.length, 299);
        assert.equal(new Set(ok).size, 299);
        assert.equal(results[299]!.status, 'rejected');
        const rows = await t.db.query<{ seq: number; record_id: string; metadata: Uint8Array }>(
          'SELECT seq, record_id, metadata FROM ledger_commitments ORDER BY seq',
        );
        assert.equal(rows.rows.length, 299);
        const bySeq = new Map(rows.rows.map((r) => [Number(r.seq), r]));
        for (const [i, r] of results.entries()) {
          if (r.status !== 'fulfilled') continue;
          const row = bySeq.get(r.value.entrySeq)!;
          assert.equal(row.record_id, `r-${i}`);
          assert.equal(parseMetadata(row.metadata).id, `r-${i}`);
        }
        await assert.rejects(
          appender.append({ kind: 'Bad Kind', id: 'x', version: 1, org: 'o', record: {} }),
          /record kind/,
        );
      } finally {
        await t.dispose();
      }
    });

    test('rolls back with the caller transaction', async () => {
      const t = await kind.open();
      try {
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await commitRecord(tx, { kind: 'incident', id: 'i-2', version: 1, org: 'o', record: {} });
            throw new Error('caller failed');
          }),
          /caller failed/,
        );
        const n = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_commitments');
        assert.equal(n.rows[0]!.n, 0);
      } finally {
        await t.dispose();
      }
    });
  });
}
