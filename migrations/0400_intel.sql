-- Why: threat intelligence sharing (issue 11). STIX 2.1 objects are stored per TAXII collection and
-- version (id + modified), exactly as received, with the TLP level and sharing lists the access rule
-- reads; live indicators are kept apart for the in-memory matcher; hits become sightings; TAXII
-- status resources, reads and exports (the access log) and remote feeds with their cursors and
-- per-object outcomes are kept so that no sync and no export is silent.
CREATE TABLE intel_collections (
  id           uuid PRIMARY KEY,
  -- NULL: the federation's community collection; otherwise the organization that owns it.
  org_id       uuid REFERENCES organizations(id),
  title        text NOT NULL,
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX intel_collections_org_idx ON intel_collections (org_id) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX intel_collections_community_idx ON intel_collections ((true)) WHERE org_id IS NULL;

CREATE TABLE intel_objects (
  -- Insertion order under the ingest lock: the same order as date_added, and the paging key.
  seq            bigserial PRIMARY KEY,
  collection_id  uuid NOT NULL REFERENCES intel_collections(id),
  stix_id        text NOT NULL,
  type           text NOT NULL,
  -- modified, else created, else the time it was first added (TAXII 2.1 3.4.1).
  version        text NOT NULL,
  spec_version   text NOT NULL,
  org_id         uuid NOT NULL REFERENCES organizations(id),
  author_user    uuid,
  -- Rank in clear, green, amber, amber+strict, red.
  tlp            smallint NOT NULL CHECK (tlp BETWEEN 0 AND 4),
  share_orgs     uuid[] NOT NULL DEFAULT '{}',
  named_users    uuid[] NOT NULL DEFAULT '{}',
  -- The objects a relationship or sighting points at: it is shown only to who sees them all.
  refs           text[] NOT NULL DEFAULT '{}',
  -- The object as received (its JSON text), so that it reads back intact.
  body           text NOT NULL,
  date_added     timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (collection_id, stix_id, version)
);
CREATE INDEX intel_objects_stix_idx ON intel_objects (stix_id);
CREATE INDEX intel_objects_collection_idx ON intel_objects (collection_id, seq);
CREATE INDEX intel_objects_type_idx ON intel_objects (type, seq);

-- The latest version of every indicator, with its effective end of validity: what the matcher loads.
CREATE TABLE intel_indicators (
  stix_id       text PRIMARY KEY,
  version       text NOT NULL,
  name          text,
  pattern       text NOT NULL,
  pattern_type  text NOT NULL,
  valid_from    timestamptz NOT NULL,
  -- valid_until as given, or the default of the pattern's observable type.
  valid_until   timestamptz,
  revoked       boolean NOT NULL DEFAULT false,
  confidence    integer,
  org_id        uuid NOT NULL REFERENCES organizations(id),
  author_user   uuid,
  tlp           smallint NOT NULL,
  share_orgs    uuid[] NOT NULL DEFAULT '{}',
  named_users   uuid[] NOT NULL DEFAULT '{}',
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX intel_indicators_updated_idx ON intel_indicators (updated_at);

-- Matcher hits by indicator and sighting organization.
CREATE TABLE intel_sightings (
  id            uuid PRIMARY KEY,
  indicator_id  text NOT NULL REFERENCES intel_indicators(stix_id),
  org_id        uuid NOT NULL REFERENCES organizations(id),
  count         integer NOT NULL,
  first_seen    timestamptz NOT NULL,
  last_seen     timestamptz NOT NULL,
  last_value    text NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  UNIQUE (indicator_id, org_id)
);

-- TAXII status resources (kept at least 24 hours).
CREATE TABLE intel_status (
  id                 uuid PRIMARY KEY,
  org_id             uuid NOT NULL REFERENCES organizations(id),
  collection_id      uuid NOT NULL REFERENCES intel_collections(id),
  request_timestamp  timestamptz NOT NULL DEFAULT now(),
  status             text NOT NULL CHECK (status IN ('pending', 'complete')),
  total_count        integer NOT NULL,
  success_count      integer NOT NULL,
  failure_count      integer NOT NULL,
  pending_count      integer NOT NULL,
  successes          jsonb NOT NULL DEFAULT '[]',
  failures           jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX intel_status_time_idx ON intel_status (request_timestamp);

-- Who read or exported what: reads are audited, not only writes.
CREATE TABLE intel_access_log (
  seq            bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,
  org_id         uuid,
  action         text NOT NULL,
  collection_id  uuid,
  object_id      text,
  count          integer NOT NULL DEFAULT 0
);
CREATE INDEX intel_access_log_org_idx ON intel_access_log (org_id, seq);

-- Remote TAXII collections an organization pulls from or pushes to.
CREATE TABLE intel_feeds (
  id             uuid PRIMARY KEY,
  org_id         uuid NOT NULL REFERENCES organizations(id),
  name           text NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('pull', 'push')),
  -- The API root URL, e.g. https://taxii.example/taxii2/default/
  api_root       text NOT NULL,
  collection     text NOT NULL,
  -- The remote credential (a bearer token), sent only to api_root.
  token          text,
  -- Into (pull) or out of (push) which local collection.
  local_collection uuid NOT NULL REFERENCES intel_collections(id),
  -- Pull: the X-TAXII-Date-Added-Last seen; push: the last local seq sent.
  cursor         text,
  interval_seconds integer NOT NULL DEFAULT 3600,
  last_run       timestamptz,
  last_result    text,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE intel_feed_log (
  seq        bigserial PRIMARY KEY,
  feed_id    uuid NOT NULL REFERENCES intel_feeds(id),
  at         timestamptz NOT NULL DEFAULT now(),
  object_id  text,
  version    text,
  outcome    text NOT NULL CHECK (outcome IN ('success', 'failure', 'error')),
  reason     text
);
CREATE INDEX intel_feed_log_feed_idx ON intel_feed_log (feed_id, seq);
