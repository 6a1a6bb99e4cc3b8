-- Why: the public log should not tell anyone who did how much, and when (issue 8). New entries are
-- opaque (v2: {"c": sha256(salt ‖ metadata), "v": 2}); the metadata they commit to — RFC 8785 JSON
-- of at, commitment, id, kind, org, version — is kept here, beside the salt, and served only to
-- the record's readers and auditors. Entries appended before this (v1) carry their metadata in
-- `entry` itself, so their `metadata` stays NULL.
ALTER TABLE ledger_commitments ADD COLUMN metadata bytea CHECK (metadata IS NULL OR octet_length(metadata) <= 65535);
