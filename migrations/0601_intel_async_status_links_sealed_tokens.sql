-- Why: issue 11, its missing parts. (1) Remote feed credentials are kept encrypted (AES-256-GCM
-- under the ledger's key-encryption secret) in token_sealed; the clear column is emptied by the
-- service on start. (2) TAXII POST answers 202 at once: the envelope waits in its status resource
-- (pending) until a worker ingests it, off the request path; a claim with a lease lets another
-- process (or the next start) take over an envelope whose worker died, and an envelope that keeps
-- failing is completed with its objects as failures and the reason. (3) Incidents link indicators
-- and sightings (the link is intel's; the incident is reached through the incidents domain).
ALTER TABLE intel_feeds ADD COLUMN token_sealed bytea;

ALTER TABLE intel_status ADD COLUMN envelope text;
ALTER TABLE intel_status ADD COLUMN actor jsonb;
ALTER TABLE intel_status ADD COLUMN pendings jsonb NOT NULL DEFAULT '[]';
ALTER TABLE intel_status ADD COLUMN claimed_until timestamptz;
ALTER TABLE intel_status ADD COLUMN attempts integer NOT NULL DEFAULT 0;
ALTER TABLE intel_status ADD COLUMN error text;
ALTER TABLE intel_status ADD COLUMN completed_at timestamptz;
CREATE INDEX intel_status_pending_idx ON intel_status (request_timestamp) WHERE status = 'pending';

CREATE TABLE intel_incident_links (
  id           uuid PRIMARY KEY,
  incident_id  uuid NOT NULL REFERENCES incidents(id),
  -- The incident's organization: lists are scoped by it.
  org_id       uuid NOT NULL REFERENCES organizations(id),
  kind         text NOT NULL CHECK (kind IN ('indicator', 'sighting')),
  -- A STIX id (indicator--…, sighting--…) or the id of a matcher sighting (intel_sightings).
  target       text NOT NULL,
  note         text NOT NULL DEFAULT '',
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (incident_id, target)
);
CREATE INDEX intel_incident_links_target_idx ON intel_incident_links (target);
