// What both adapters share about a transaction: knowing, through AsyncLocalStorage, that code runs
// inside a transaction callback (so a statement on the database itself fails at once instead of
// hanging PGlite or escaping the transaction on PostgreSQL), and the after-commit hooks.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type AfterCommitHook, type Database, QueryInTransactionError } from './types.ts';

/** One transaction's state: open while its callback may still run statements. */
export class UnitOfWork {
  private open = true;
  private readonly hooks: AfterCommitHook[] = [];

  get isOpen(): boolean {
    return this.open;
  }

  afterCommit(hook: AfterCommitHook): void {
    if (!this.open) throw new Error('afterCommit called after the transaction ended.');
    this.hooks.push(hook);
  }

  /** The transaction rolled back: its hooks are dropped. */
  abandon(): void {
    this.open = false;
    this.hooks.length = 0;
  }

  /** The transaction committed: runs the hooks in order; a failing one is reported, not thrown. */
  async committed(report: (err: unknown) => void): Promise<void> {
    this.open = false;
    for (const hook of this.hooks.splice(0)) {
      try {
        await hook();
      } catch (err) {
        report(err);
      }
    }
  }
}

/** Tracks the open transactions of one database along async paths. */
export class TransactionTracker {
  private readonly als = new AsyncLocalStorage<UnitOfWork>();
  report: (err: unknown) => void = (err) => console.error('after-commit hook failed:', err);

  constructor(private readonly dialect: Database['dialect']) {}

  /** Throws when the caller runs inside an open transaction of this database. */
  assertOutside(operation: QueryInTransactionError['operation']): void {
    if (this.als.getStore()?.isOpen) throw new QueryInTransactionError(this.dialect, operation);
  }

  /** Runs a transaction callback with `uow` as the current unit of work of its async path. */
  within<T>(uow: UnitOfWork, fn: () => Promise<T>): Promise<T> {
    return this.als.run(uow, fn);
  }

  /**
   * Runs `transact` (which begins, calls `body` inside `within`, and commits or rolls back), then
   * the after-commit hooks once it has committed.
   */
  async run<T>(transact: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    this.assertOutside('transaction');
    const uow = new UnitOfWork();
    let result: T;
    try {
      result = await transact(uow);
    } catch (err) {
      uow.abandon();
      throw err;
    }
    await uow.committed(this.report);
    return result;
  }
}
