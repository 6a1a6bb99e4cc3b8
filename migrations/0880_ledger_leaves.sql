-- Why: giving a commitment its leaf index was an UPDATE of its wide row (salt, entry, metadata and
-- the (kind, id, version) key): a new row version and new entries in three indexes for every
-- append, several times the cost of inserting it (issue 14: durable appends on PostgreSQL). The
-- work queue and the leaf indexes now live in two narrow tables, so an append is one insert of the
-- commitment and one of its queue row, and sequencing deletes queue rows and inserts leaf rows;
-- a commitment's row is never written again.

-- Commitments waiting for a leaf index (the sequencer's queue), in seq order.
CREATE TABLE ledger_pending (
  seq bigint PRIMARY KEY
);

-- The leaf index of every integrated commitment: one leaf per commitment, one commitment per leaf.
-- No foreign key: the sequencer inserts only seqs it has just read from ledger_commitments in the
-- same transaction, and a key check would lock (write) each commitment's row again.
CREATE TABLE ledger_leaves (
  leaf_index bigint PRIMARY KEY CHECK (leaf_index >= 0),
  seq        bigint NOT NULL UNIQUE
);

INSERT INTO ledger_leaves (leaf_index, seq)
  SELECT leaf_index, seq FROM ledger_commitments WHERE leaf_index IS NOT NULL;
INSERT INTO ledger_pending (seq)
  SELECT seq FROM ledger_commitments WHERE leaf_index IS NULL;

DROP INDEX ledger_commitments_pending_idx;
DROP INDEX ledger_commitments_leaf_idx;
ALTER TABLE ledger_commitments DROP COLUMN leaf_index;
