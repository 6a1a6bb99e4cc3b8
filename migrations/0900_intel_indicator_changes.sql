-- Why: issue 11, TAXII ingest at 10,000 objects/s. The matcher learnt whether the indicators had
-- changed behind its process from count(*) and max(updated_at) over all of intel_indicators, read
-- after every local write and every 5 s: a scan whose cost grew with the store. One counter row,
-- bumped by every statement that stores indicators (in its transaction, so a reader never sees it
-- ahead of the rows), says the same at the cost of one row read; the updated_at index served only
-- that max and is dropped (one index update less per stored indicator).
CREATE TABLE intel_indicator_changes (
  only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  changes   bigint NOT NULL
);
INSERT INTO intel_indicator_changes (changes) SELECT count(*) FROM intel_indicators;
DROP INDEX intel_indicators_updated_idx;
