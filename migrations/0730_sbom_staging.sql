-- Why: issue 8 #7. An SBOM import no longer holds the database for its whole length. Its components are
-- staged in short transactions of their own (other requests are answered between them), then one
-- short transaction makes the SBOM live: asset, sequence number, current SBOM, exposures, ledger.
-- A staged SBOM (staged_at set) has no asset and no sequence number yet and no read shows it;
-- staged_at is refreshed by every staged batch, so a staging abandoned by a failed or killed
-- import is found by its age and removed (at start, and by the import itself when it fails).
ALTER TABLE sboms ADD COLUMN staged_at timestamptz;
ALTER TABLE sboms ALTER COLUMN asset_id DROP NOT NULL;
ALTER TABLE sboms ALTER COLUMN seq DROP NOT NULL;
ALTER TABLE sboms ADD CONSTRAINT sboms_live_has_asset
  CHECK (staged_at IS NOT NULL OR (asset_id IS NOT NULL AND seq IS NOT NULL));
CREATE INDEX sboms_staged_idx ON sboms (staged_at) WHERE staged_at IS NOT NULL;
