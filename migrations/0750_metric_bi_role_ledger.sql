-- Why: creating or changing a BI tool's database role (issue 13) is committed to the ledger: who made
-- it, when, for which organization and which views it may read. The row keeps the version the
-- ledger entry names and the entry that committed it.
ALTER TABLE metric_bi_roles ADD COLUMN version integer NOT NULL DEFAULT 1;
ALTER TABLE metric_bi_roles ADD COLUMN granted_by text;
ALTER TABLE metric_bi_roles ADD COLUMN granted_at timestamptz;
ALTER TABLE metric_bi_roles ADD COLUMN views text[] NOT NULL DEFAULT '{}';
ALTER TABLE metric_bi_roles ADD COLUMN entry_seq bigint;
