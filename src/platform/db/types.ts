// The narrow database interface every repository uses. Two implementations exist, PGlite
// (embedded, one connection) and node-postgres (a pool to a server); both speak the same SQL.

export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs a parameterised statement: the database itself or an open transaction. */
export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** Work to do once a transaction has committed (update an in-memory index, publish events). */
export type AfterCommitHook = () => void | Promise<void>;

/** A transaction handle; it is only valid inside the callback given to `transaction`. */
export interface Tx extends Queryable {
  readonly inTransaction: true;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `hook` after the transaction commits, after the hooks registered before it; never when it
   * rolls back. A hook that fails is reported (`Database.onAfterCommitError`) and does not fail the
   * write, which is committed by then. `transaction` resolves once every hook has run.
   */
  afterCommit(hook: AfterCommitHook): void;
}

export interface Database extends Queryable {
  readonly dialect: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction (a unit of work): commits when it resolves, rolls back when it
   * throws, then runs the hooks `fn` registered with `tx.afterCommit`. Inside `fn`, every statement
   * goes through `tx`: a statement on the database itself (or a nested `transaction`) on the same
   * async path throws `QueryInTransactionError` at once.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Where failing after-commit hooks are reported (the composition root passes its logger). */
  onAfterCommitError(report: (err: unknown) => void): void;
  close(): Promise<void>;
}

/**
 * A statement was sent to the database itself while a transaction of that database was open on
 * the same async path. On PGlite (one connection) it would wait for that transaction forever; on
 * PostgreSQL it would run on another connection, outside the transaction's atomicity. Use the
 * transaction's `tx`, or do the work before the transaction or in an after-commit hook.
 */
export class QueryInTransactionError extends Error {
  constructor(
    readonly dialect: Database['dialect'],
    readonly operation: 'query' | 'exec' | 'transaction',
  ) {
    super(
      `A ${operation === 'transaction' ? 'nested transaction' : operation} was started on the ${dialect} database ` +
        'while a transaction is open on the same async path; use the transaction handle (tx) instead' +
        (dialect === 'pglite'
          ? ' (PGlite has one connection: it would wait for the open transaction forever).'
          : '.'),
    );
    this.name = 'QueryInTransactionError';
  }
}
