-- Why: NIS2 art. 23(4)(c) intermediate reports are owed only upon an authority's request (issue 10):
-- a stage anchored on `requested` has no deadline until then, and its deadline counts from the
-- request, so the obligation keeps when its report was requested (null: not requested, or another anchor).
ALTER TABLE incident_obligations ADD COLUMN requested_at timestamptz;
