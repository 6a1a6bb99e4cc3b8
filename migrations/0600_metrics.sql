-- Why: decisions from data (issue 13). Informatization indicators (imported statistics) and the
-- regions they describe, aligned with the organization tree's region codes, so that a region's
-- connectivity stands beside its security posture. Every observation keeps its provenance and
-- licence; rates keep numerator and denominator so that regions roll up as ratios of sums.
CREATE TABLE metric_regions (
  code        text PRIMARY KEY,
  parent      text REFERENCES metric_regions(code),
  name        text NOT NULL,
  -- 0 = the federation, 1 = province, 2 = city …
  level       integer NOT NULL CHECK (level >= 0),
  settlement  text CHECK (settlement IN ('urban', 'rural', 'mixed')),
  population  bigint CHECK (population >= 0),
  demo        boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX metric_regions_parent_idx ON metric_regions (parent);

CREATE TABLE metric_indicators (
  code            text PRIMARY KEY,
  name            text NOT NULL,
  unit            text NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('higher-is-better', 'lower-is-better', 'neutral')),
  source          text NOT NULL,
  licence         text NOT NULL,
  definition_url  text,
  aggregation     text NOT NULL CHECK (aggregation IN ('sum', 'ratio-of-sums', 'population-weighted')),
  -- A ratio's value is numerator / denominator × scale (100 for a percentage or "per 100 people").
  scale           double precision NOT NULL DEFAULT 1,
  demo            boolean NOT NULL DEFAULT false,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE metric_observations (
  indicator    text NOT NULL REFERENCES metric_indicators(code),
  region       text NOT NULL,
  -- '2024', '2024-Q3', '2024-07'.
  period       text NOT NULL,
  value        double precision,
  numerator    double precision,
  denominator  double precision,
  estimate     boolean NOT NULL DEFAULT false,
  provisional  boolean NOT NULL DEFAULT false,
  break        boolean NOT NULL DEFAULT false,
  -- The release of the source this value comes from (WDI's lastupdated, a table's edition).
  vintage      text NOT NULL DEFAULT '',
  source       text NOT NULL,
  licence      text NOT NULL,
  -- Where the value came from: the file, its format, its row or the API URL.
  provenance   jsonb NOT NULL DEFAULT '{}',
  demo         boolean NOT NULL DEFAULT false,
  version      integer NOT NULL DEFAULT 1,
  imported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator, region, period)
);
CREATE INDEX metric_observations_region_idx ON metric_observations (region text_pattern_ops, period);
