-- Why: operators register assets and their SBOMs, advisories (OSV) and the KEV catalogue arrive
-- from the centre, and the matching engine stores one exposure per asset x package version x
-- advisory with a status workflow, a priority and a due date.
CREATE TABLE assets (
  id                       uuid PRIMARY KEY,
  org_id                   uuid NOT NULL REFERENCES organizations(id),
  name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind                     text NOT NULL,
  criticality              text NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'critical')),
  critical_infrastructure  boolean NOT NULL DEFAULT false,
  sector                   text,
  region                   text NOT NULL,
  domains                  text[] NOT NULL DEFAULT '{}',
  addresses                text[] NOT NULL DEFAULT '{}',
  current_sbom_id          uuid,
  version                  integer NOT NULL DEFAULT 1,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);
CREATE INDEX assets_org_idx ON assets (org_id);
-- The exposure index of each process compares the latest write times to notice other processes' writes.
CREATE INDEX assets_updated_idx ON assets (updated_at);

CREATE TABLE sboms (
  id               uuid PRIMARY KEY,
  asset_id         uuid NOT NULL REFERENCES assets(id),
  org_id           uuid NOT NULL REFERENCES organizations(id),
  seq              integer NOT NULL,
  format           text NOT NULL,
  spec_version     text NOT NULL,
  serial_number    text,
  subject          jsonb,
  sha256           text NOT NULL,
  component_count  integer NOT NULL,
  dependencies     jsonb NOT NULL,
  warnings         jsonb NOT NULL DEFAULT '[]',
  imported_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (asset_id, seq)
);
CREATE INDEX sboms_imported_idx ON sboms (imported_at);

-- The components of each SBOM version. The exposure index loads those of every asset's current
-- SBOM at start.
CREATE TABLE sbom_components (
  sbom_id          uuid NOT NULL REFERENCES sboms(id),
  idx              integer NOT NULL,
  ref              text NOT NULL,
  type             text NOT NULL,
  name             text NOT NULL,
  sbom_name        text NOT NULL,
  grp              text,
  version          text,
  purl             text,
  ecosystem        text,
  normalized_name  text,
  hashes           jsonb NOT NULL DEFAULT '[]',
  licenses         text[] NOT NULL DEFAULT '{}',
  parent_ref       text,
  relation         text NOT NULL,
  PRIMARY KEY (sbom_id, idx)
);

CREATE TABLE advisories (
  id               text PRIMARY KEY,
  modified         timestamptz NOT NULL,
  published        timestamptz,
  withdrawn        timestamptz,
  aliases          text[] NOT NULL DEFAULT '{}',
  summary          text,
  severity_score   numeric(3,1),
  severity_rating  text,
  severity_vector  text,
  -- Package keys ("ecosystem\0normalized name") the advisory affects, for lists and filters.
  packages         text[] NOT NULL DEFAULT '{}',
  -- The converted OSV document (src/advisories/import): the index compiles its ranges at start.
  doc              jsonb NOT NULL,
  source           text,
  version          integer NOT NULL DEFAULT 1,
  imported_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX advisories_aliases_idx ON advisories USING gin (aliases);
CREATE INDEX advisories_imported_idx ON advisories (imported_at);

CREATE TABLE kev_entries (
  cve_id           text PRIMARY KEY,
  date_added       date NOT NULL,
  due_date         date NOT NULL,
  vendor_project   text NOT NULL,
  product          text NOT NULL,
  name             text NOT NULL,
  ransomware       boolean NOT NULL DEFAULT false,
  entry            jsonb NOT NULL,
  catalog_version  text NOT NULL,
  imported_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kev_imported_idx ON kev_entries (imported_at);

CREATE TABLE exposures (
  id               uuid PRIMARY KEY,
  org_id           uuid NOT NULL REFERENCES organizations(id),
  asset_id         uuid NOT NULL REFERENCES assets(id),
  advisory_id      text NOT NULL REFERENCES advisories(id),
  -- Copied from the asset so that the queue filters without reading the assets domain's table.
  sector           text,
  region           text NOT NULL,
  ecosystem        text NOT NULL,
  package          text NOT NULL,
  normalized_name  text NOT NULL,
  version          text NOT NULL,
  purl             text,
  status           text NOT NULL CHECK (status IN ('open', 'acknowledged', 'mitigated', 'accepted_risk', 'false_positive', 'resolved')),
  severity_score   numeric(3,1),
  severity_rating  text,
  kev              boolean NOT NULL DEFAULT false,
  priority         integer NOT NULL,
  due              date NOT NULL,
  first_seen       timestamptz NOT NULL DEFAULT now(),
  -- When the exposure last became open (first seen, or reopened): the due date counts from here.
  opened_at        timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  reopened         integer NOT NULL DEFAULT 0,
  note             text,
  version_no       integer NOT NULL DEFAULT 1,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (asset_id, advisory_id, ecosystem, normalized_name, version)
);
CREATE INDEX exposures_org_idx ON exposures (org_id, status);
CREATE INDEX exposures_advisory_idx ON exposures (advisory_id);
CREATE INDEX exposures_priority_idx ON exposures (priority DESC, due);
