-- Why: a proof needs hashes of subtrees inside tiles; rebuilding the large ones (16 to 128 leaves)
-- from a tile costs up to 247 SHA-256 calls per tile level. Full tiles keep those 30 inner hashes
-- (sub-levels 4 to 7, 960 bytes) beside the 256 that C2SP serves, so proofs are reads.
ALTER TABLE ledger_tiles ADD COLUMN nodes bytea CHECK (nodes IS NULL OR (width = 256 AND octet_length(nodes) = 960));
