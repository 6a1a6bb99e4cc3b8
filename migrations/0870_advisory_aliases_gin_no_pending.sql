-- Why: an OSV archive import looks up, per group of 250 advisories, the stored advisories that share
-- an id or alias with them (issue 8 #7). With GIN's fast update every insert goes to the index's
-- pending list, which only a vacuum empties (never on the embedded database, which has no
-- autovacuum), and every search reads the whole list: the lookups of one group took 100 ms at
-- 4,000 advisories and grew with every group. Without it each alias is one index descent.
ALTER INDEX advisories_aliases_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('advisories_aliases_idx'::regclass);
