// The ledger's public surface for the other domains: commit a record version in the caller's
// own transaction, so a record and its commitment can never disagree. Nothing else of the
// ledger is meant to be imported from outside src/ledger.
import type { Tx } from '../platform/db/types.ts';
import { buildEntry } from './entry.ts';

export interface RecordCommitment {
  kind: string;
  id: string;
  version: number;
  org: string;
  record: unknown;
  at?: Date;
}

/**
 * Appends the canonical commitment of one record version (and its random salt) in the
 * caller's transaction. The sequencer gives it a leaf index and a signed checkpoint shortly
 * after the transaction commits. `entrySeq` identifies the commitment until then.
 */
export async function commitRecord(tx: Tx, input: RecordCommitment): Promise<{ entrySeq: number }> {
  const { entry, salt } = buildEntry(input);
  const r = await tx.query<{ seq: number }>(
    `INSERT INTO ledger_commitments (record_kind, record_id, record_version, org_id, salt, entry)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
    [input.kind, input.id, input.version, input.org, salt, entry],
  );
  return { entrySeq: Number(r.rows[0]!.seq) };
}
