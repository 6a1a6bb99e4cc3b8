-- Why: issue 14. An exposure can be declared not affected by a VEX statement (CycloneDX VEX,
-- OpenVEX, CSAF VEX), which is kept as the evidence with its author; other VEX verdicts
-- (affected, fixed, under investigation) are shown beside the exposures they name. EPSS scores
-- (FIRST) give the likelihood of exploitation per CVE, which ranks exposures after KEV.
ALTER TABLE exposures DROP CONSTRAINT IF EXISTS exposures_status_check;
ALTER TABLE exposures ADD CONSTRAINT exposures_status_check CHECK (status IN
  ('open', 'acknowledged', 'mitigated', 'accepted_risk', 'false_positive', 'not_affected', 'resolved'));

CREATE TABLE vex_statements (
  id                uuid PRIMARY KEY,
  -- The organization that imported the statement (its records; the author is the document's).
  org_id            uuid NOT NULL REFERENCES organizations(id),
  format            text NOT NULL CHECK (format IN ('cyclonedx', 'openvex', 'csaf')),
  document_id       text,
  author            text,
  vulnerability     text NOT NULL,
  products          text[] NOT NULL DEFAULT '{}',
  status            text NOT NULL CHECK (status IN ('not_affected', 'affected', 'fixed', 'under_investigation')),
  justification     text,
  impact_statement  text,
  action_statement  text,
  issued            timestamptz,
  statement         jsonb NOT NULL,
  imported_by       text,
  imported_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vex_statements_vuln_idx ON vex_statements (vulnerability);

-- The latest VEX statement that names an exposure (one per exposure).
CREATE TABLE exposure_vex (
  exposure_id       uuid PRIMARY KEY REFERENCES exposures(id),
  statement_id      uuid NOT NULL REFERENCES vex_statements(id),
  status            text NOT NULL,
  applied_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE epss_scores (
  cve               text PRIMARY KEY,
  score             numeric(6,5) NOT NULL,
  percentile        numeric(6,5) NOT NULL,
  model_version     text,
  score_date        date,
  imported_at       timestamptz NOT NULL DEFAULT now()
);
