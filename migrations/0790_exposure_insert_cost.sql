-- Why: storing exposures is the cost of a new advisory (issue 14: 1,000 exposures and their
-- ledger commitments in under 50 ms). Every exposure row fired three foreign-key checks and
-- maintained five indexes. An exposure's organization is its asset's organization (copied so the
-- queue filters without the assets table), so one composite key, (asset_id, org_id) -> assets,
-- checks both in one lookup and also holds what the two separate keys never did: that the copy
-- equals the asset's organization. exposures_priority_idx (priority DESC, due) is read by no
-- query: every list filters by organization or asset first and orders by (status = 'resolved')
-- before priority, which that index cannot give.
ALTER TABLE assets ADD CONSTRAINT assets_id_org_key UNIQUE (id, org_id);
ALTER TABLE exposures ADD CONSTRAINT exposures_asset_org_fkey
  FOREIGN KEY (asset_id, org_id) REFERENCES assets (id, org_id);
ALTER TABLE exposures DROP CONSTRAINT exposures_asset_id_fkey;
ALTER TABLE exposures DROP CONSTRAINT exposures_org_id_fkey;
DROP INDEX exposures_priority_idx;
