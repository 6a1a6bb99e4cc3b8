-- Why: issue 11, TAXII ingest at 10,000 objects/s. A posted envelope is committed to the ledger as
-- one record (kind intel.envelope, id the status resource's id) that lists every object version it
-- stored with the SHA-256 of its JSON text, instead of one commitment (and one leaf, sequenced and
-- tiled) per object; `envelope` names that commitment for each version it covers, so the record
-- can be rebuilt and proven (NULL: the version has its own intel.object commitment). The foreign
-- keys of intel_objects (collection, organization) and intel_indicators (organization) fired one
-- check per row on every ingest; the service writes only ids it has just read (the collection it
-- checked, the collection's or the poster's organization) and organizations are never deleted.
ALTER TABLE intel_objects ADD COLUMN envelope uuid;
ALTER TABLE intel_objects DROP CONSTRAINT intel_objects_collection_id_fkey;
ALTER TABLE intel_objects DROP CONSTRAINT intel_objects_org_id_fkey;
ALTER TABLE intel_indicators DROP CONSTRAINT intel_indicators_org_id_fkey;
