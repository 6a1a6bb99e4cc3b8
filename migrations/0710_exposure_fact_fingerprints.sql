-- Why: issue 14. A running server learns of EPSS scores and threat-intelligence marks written by
-- another process (the CLI against the same PostgreSQL) from the latest import and mark times,
-- read every 15 seconds (KEV's import time is indexed since 0200): these indexes make those max()
-- reads index look-ups instead of table scans (the EPSS file scores about 250,000 CVEs).
CREATE INDEX epss_scores_imported_at ON epss_scores (imported_at);
CREATE INDEX exposure_intel_exploited_last_marked ON exposure_intel_exploited (last_marked_at);
