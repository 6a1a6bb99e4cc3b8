// The ledger's surface. For the other domains: commit a record version in the caller's own
// transaction, so a record and its commitment can never disagree. For the composition root and
// the CLI: the service, its settings, its routes and its commands. Nothing else of the ledger is
// imported from outside src/ledger.
import type { Tx } from '../platform/db/types.ts';
import { nextTurn } from '../platform/threads.ts';
import { buildEntry } from './entry.ts';
import { insertCommitment, insertCommitments } from './repo.ts';

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
  const { entry, salt, metadata } = buildEntry(input);
  const entrySeq = await insertCommitment(tx, {
    kind: input.kind,
    id: input.id,
    version: input.version,
    org: input.org,
    salt,
    entry,
    metadata,
  });
  return { entrySeq };
}

/**
 * Rows per INSERT statement: keeps the parameter arrays of one statement small and, on PGlite
 * (which runs on the main thread), each statement and its entries' hashing to tens of milliseconds.
 */
const COMMIT_CHUNK = 200;

/**
 * commitRecord for many record versions at once (an SBOM import, an advisory that opens a
 * thousand exposures): the same commitments, in the caller's transaction, inserted a few
 * thousand rows per statement. Returns the entry sequence numbers in input order.
 */
export async function commitRecords(tx: Tx, inputs: readonly RecordCommitment[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < inputs.length; i += COMMIT_CHUNK) {
    // Other requests are answered between chunks (an SBOM can open tens of thousands of exposures).
    if (i > 0) await nextTurn();
    const rows = inputs.slice(i, i + COMMIT_CHUNK).map((input) => {
      const { entry, salt, metadata } = buildEntry(input);
      return {
        kind: input.kind,
        id: input.id,
        version: input.version,
        org: input.org,
        salt,
        entry,
        metadata,
      };
    });
    out.push(...(await insertCommitments(tx, rows)));
  }
  return out;
}

// The service and its parts the composition root (src/app) and the CLI use: the application
// context builds one LedgerService from the config's ledger section and hands it around.
export { LedgerAppender } from './appender.ts';
export { type LedgerConfig, ledgerSettings } from './config.ts';
export { ledgerRoutes } from './routes.ts';
export { type LedgerDeps, type LedgerStatus, LedgerService, type ReceiptView } from './service.ts';
export { type LedgerCommandContext, ledgerCommands } from './cli/index.ts';
// The key-encryption secret the signing key is wrapped under, for other stored secrets (intel feed credentials).
export { type KeyWrapping, readKekFile } from './keys.ts';
