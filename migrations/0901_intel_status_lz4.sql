-- Why: issue 11, TAXII ingest at 10,000 objects/s. A posted envelope's status resource holds its
-- objects' JSON text (about 360 kB per 1,000 indicators) until the ingest, and its pendings and
-- then successes (about 80 kB each); PostgreSQL compressed each with pglz, about 6 ms of server CPU
-- for the envelope alone, where lz4 takes under 1 ms for the same or better ratio (measured on
-- PostgreSQL 15). A server built without lz4 (PGlite) keeps pglz: the ALTER is skipped there.
DO $$
BEGIN
  ALTER TABLE intel_status ALTER COLUMN envelope SET COMPRESSION lz4,
                           ALTER COLUMN pendings SET COMPRESSION lz4,
                           ALTER COLUMN successes SET COMPRESSION lz4,
                           ALTER COLUMN failures SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available: intel_status keeps the default compression';
END
$$;
