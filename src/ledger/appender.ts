// Group commit for ledger appends made on their own (not inside a domain's transaction): callers
// queue commitments and are answered once the transaction that holds them has committed, so one
// durable commit carries many appends, as in Trillian/Tessera. While a batch is being committed the
// next one gathers; a batch that fails is retried one by one so only the bad append fails.
import type { Database } from '../platform/db/types.ts';
import { buildEntry, type CommitmentInput } from './entry.ts';
import { insertCommitments } from './repo.ts';

interface Pending {
  row: {
    kind: string;
    id: string;
    version: number;
    org: string;
    salt: Buffer;
    entry: Buffer;
    metadata: Buffer;
  };
  resolve(v: { entrySeq: number }): void;
  reject(err: unknown): void;
}

export class LedgerAppender {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly opts: { maxBatch: number; concurrency: number } = {
      maxBatch: 2048,
      concurrency: db.dialect === 'postgres' ? 2 : 1,
    },
  ) {}

  /** Resolves once the commitment is durably stored (its transaction committed). */
  append(input: CommitmentInput): Promise<{ entrySeq: number }> {
    let row: Pending['row'];
    try {
      const { entry, salt, metadata } = buildEntry(input);
      row = { kind: input.kind, id: input.id, version: input.version, org: input.org, salt, entry, metadata };
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.schedule();
    });
  }

  // Waits one turn of the event loop before committing, so that the appends of every request
  // handled in this turn share the batch. Without it an embedded database, which answers through
  // microtasks only, would commit each append alone before the next request is even read.
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.kick();
    });
  }

  private kick(): void {
    while (this.inFlight < this.opts.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.schedule();
      });
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    try {
      // One statement is one transaction: no BEGIN and COMMIT round trips around it.
      const seqs = await insertCommitments(
        this.db,
        batch.map((p) => p.row),
      );
      for (const [i, p] of batch.entries()) p.resolve({ entrySeq: seqs[i]! });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const p of batch) await this.commit([p]);
    }
  }
}
