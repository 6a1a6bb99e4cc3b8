-- Why: statutory regimes become data administrators edit (issue 10): every version of a regime is
-- kept (the shipped ones are seeded as version 1 by the incidents service, with their ledger
-- commitments), and an incident records the version it was opened under, so an edit never moves
-- the deadlines of an incident already filed. Incidents filed before this migration were opened
-- under the shipped regimes, which are version 1.
CREATE TABLE incident_regimes (
  id          text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  definition  jsonb NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

ALTER TABLE incidents ADD COLUMN regime_version integer NOT NULL DEFAULT 1;
