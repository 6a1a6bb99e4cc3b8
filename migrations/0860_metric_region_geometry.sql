-- Why: the region map may draw real boundaries, but only from a file the operator supplies (issue 13):
-- one GeoJSON polygon geometry per region, replaced as a whole by `bulwark import geometry`, with the
-- file's name, digest, source and licence. Reference data of the metrics domain, like metric_regions.
CREATE TABLE metric_region_geometry (
  region      text PRIMARY KEY,
  geometry    jsonb NOT NULL,
  source      text NOT NULL,
  licence     text NOT NULL,
  file        text NOT NULL,
  sha256      text NOT NULL,
  demo        boolean NOT NULL DEFAULT false,
  imported_at timestamptz NOT NULL DEFAULT now()
);
