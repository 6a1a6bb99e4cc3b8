-- Why: the ledger (issue 3) commits every accepted record and state change to an append-only
-- RFC 9162 Merkle log in the writer's own transaction; a single sequencer later gives each
-- commitment its leaf index, stores the tree as C2SP tlog-tiles and signs checkpoints.

-- One row per committed record version. The salt stays here, beside the record and never in
-- the public log; `entry` is the canonical commitment (RFC 8785 JSON) that becomes the leaf.
-- `leaf_index` is NULL until the sequencer integrates the entry.
CREATE TABLE ledger_commitments (
  seq            bigserial PRIMARY KEY,
  record_kind    text NOT NULL,
  record_id      text NOT NULL,
  record_version integer NOT NULL,
  org_id         text NOT NULL,
  salt           bytea NOT NULL,
  entry          bytea NOT NULL CHECK (octet_length(entry) <= 65535),
  committed_at   timestamptz NOT NULL DEFAULT now(),
  leaf_index     bigint,
  UNIQUE (record_kind, record_id, record_version)
);
-- The sequencer's work queue: only rows that still wait for an index.
CREATE INDEX ledger_commitments_pending_idx ON ledger_commitments (seq) WHERE leaf_index IS NULL;

-- Hash tiles (level >= 0) of height 8, each row the widest version of that tile so far: a
-- partial tile of width W is the first W hashes, so older partial tiles are served as prefixes.
CREATE TABLE ledger_tiles (
  level      smallint NOT NULL CHECK (level >= 0),
  tile_index bigint NOT NULL CHECK (tile_index >= 0),
  width      smallint NOT NULL CHECK (width BETWEEN 1 AND 256),
  data       bytea NOT NULL CHECK (octet_length(data) = 32 * width),
  PRIMARY KEY (level, tile_index)
);

-- Entry bundles: up to 256 entries, each with a big-endian uint16 length prefix.
CREATE TABLE ledger_entry_bundles (
  tile_index bigint PRIMARY KEY CHECK (tile_index >= 0),
  width      smallint NOT NULL CHECK (width BETWEEN 1 AND 256),
  data       bytea NOT NULL
);

-- Every checkpoint the log signed, newest = highest size. `note` is the full signed note.
CREATE TABLE ledger_checkpoints (
  tree_size  bigint PRIMARY KEY CHECK (tree_size >= 0),
  root       bytea NOT NULL CHECK (octet_length(root) = 32),
  note       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The log's Ed25519 signing key, made on first start. The private key is stored as PKCS#8,
-- encrypted when a ledger secret is configured; it is never served.
CREATE TABLE ledger_keys (
  origin      text PRIMARY KEY,
  public_key  bytea NOT NULL CHECK (octet_length(public_key) = 32),
  private_key bytea NOT NULL,
  encrypted   boolean NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Cosignatures (C2SP tlog-cosignature) received from configured witnesses.
CREATE TABLE ledger_cosignatures (
  tree_size   bigint NOT NULL REFERENCES ledger_checkpoints (tree_size),
  witness     text NOT NULL,
  signature   text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tree_size, witness)
);
