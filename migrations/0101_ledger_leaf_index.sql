-- Why: the ledger looks commitments up by leaf index (local audit, receipts by index), and no two
-- commitments may ever share a leaf index; a partial unique index gives both.
CREATE UNIQUE INDEX ledger_commitments_leaf_idx ON ledger_commitments (leaf_index) WHERE leaf_index IS NOT NULL;
