-- Why: advisories are global reference data (issue 8 #1). Every advisory version records who
-- supplied it (actor, organization) and how (feed, channel, file or entry), and an advisory
-- belongs to the source that supplied it (organization + feed): another source can neither
-- overwrite nor withdraw it; the coordination centre's administrators may take it over
-- explicitly, which the version row records.
ALTER TABLE advisories
  ADD COLUMN owner_org uuid REFERENCES organizations(id),
  ADD COLUMN owner_feed text;

CREATE TABLE advisory_versions (
  advisory_id     text NOT NULL REFERENCES advisories(id),
  version         integer NOT NULL,
  modified        timestamptz NOT NULL,
  withdrawn       timestamptz,
  -- Who supplied it: the organization acted for, and the user or token (NULL before provenance).
  supplier_org    uuid REFERENCES organizations(id),
  supplier_kind   text CHECK (supplier_kind IN ('user', 'token', 'local')),
  supplier_id     text,
  -- The feed that owns it (e.g. osv), the channel it came through (api, cli), the file or entry.
  feed            text NOT NULL,
  channel         text NOT NULL,
  entry           text,
  -- Set when the coordination centre took the advisory over from another source.
  taken_over_from text,
  imported_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (advisory_id, version)
);

-- Advisories stored before provenance: owned by the organization their latest ledger commitment
-- names (the acting organization of that import), fed by OSV; their current version is recorded
-- with an unknown supplier.
UPDATE advisories a SET owner_org = o.id, owner_feed = 'osv'
  FROM (SELECT DISTINCT ON (record_id) record_id, org_id FROM ledger_commitments
        WHERE record_kind = 'advisory' ORDER BY record_id, record_version DESC) c
  JOIN organizations o ON o.id::text = c.org_id
  WHERE c.record_id = a.id;
UPDATE advisories SET owner_feed = 'osv' WHERE owner_feed IS NULL;
INSERT INTO advisory_versions (advisory_id, version, modified, withdrawn, supplier_org, feed, channel, entry, imported_at)
  SELECT id, version, modified, withdrawn, owner_org, 'osv', 'unknown', source, imported_at FROM advisories;
