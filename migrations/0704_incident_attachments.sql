-- Why: incidents carry evidence files (issue 10). The incidents domain owns them: stored in the
-- database (bytea, at most 10 MiB each, docs/incidents.md) so that a backup of the database is a
-- backup of the evidence and both PGlite and PostgreSQL keep them the same way; the SHA-256 is
-- recorded and committed to the ledger with the upload.
CREATE TABLE incident_attachments (
  id               uuid PRIMARY KEY,
  incident_id      uuid NOT NULL REFERENCES incidents(id),
  name             text NOT NULL,
  media_type       text NOT NULL,
  size             integer NOT NULL,
  sha256           text NOT NULL,
  content          bytea NOT NULL,
  uploaded_by      text NOT NULL,
  uploaded_by_name text NOT NULL,
  uploaded_by_org  uuid REFERENCES organizations(id),
  uploaded_at      timestamptz NOT NULL,
  entry_seq        bigint NOT NULL
);
CREATE INDEX incident_attachments_incident_idx ON incident_attachments (incident_id, uploaded_at);
