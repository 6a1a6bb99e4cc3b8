-- Why: the overview's operations figures (issue 13: time to triage, operator action rate, ledger and
-- witness health) were counted on request and missing from the BI views. They are now kept in
-- cells of the metrics domain (rebuilt from the public and ledger domains' read functions, never
-- from their tables) and shown by read-only views with the same access as the other metrics_bi
-- views: row-level security by the reader's region (triage) or organization (actions), counts of
-- 1–4 null. The ledger's health is the same for every reader, like the reference data.

-- Public reports triaged: by region (null: none given), month received and whole hours to the first decision.
CREATE TABLE metric_triage_cells (
  region   text,
  month    text NOT NULL,
  hours    integer NOT NULL,
  reports  integer NOT NULL
);

-- Per organization: the operator action rate the console shows it (12 months to `since`): indicators
-- promoted from public reports and published, how many an organization it may see answered, and
-- how many were blocked or taken down.
CREATE TABLE metric_action_cells (
  org_id                 uuid PRIMARY KEY,
  since                  date NOT NULL,
  promoted               integer NOT NULL,
  answered               integer NOT NULL,
  blocked_or_taken_down  integer NOT NULL
);

-- The ledger's status at `refreshed_at`: one row for the log (witness null), one per witness.
CREATE TABLE metric_ledger_cells (
  witness             text,
  tree_size           bigint NOT NULL,
  pending             integer NOT NULL,
  checkpoint_at       timestamptz,
  last_cosigned_size  bigint,
  last_cosigned_at    timestamptz,
  refreshed_at        timestamptz NOT NULL
);

-- The organization mapped to `reader` (a BI role), without a right on metric_bi_roles.
CREATE FUNCTION metric_bi_org(reader name) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT org_id FROM metric_bi_roles WHERE role = reader
$$;

ALTER TABLE metric_triage_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE metric_action_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_bi_read ON metric_triage_cells FOR SELECT USING (metric_bi_sees_region(region, current_user));
CREATE POLICY metric_bi_read ON metric_action_cells FOR SELECT USING (org_id = metric_bi_org(current_user));

-- Median and p90 by nearest rank (percentile_disc over the reports, as the console's
-- percentileOfCounts), per region and month; a row of 1–4 triaged reports shows none of them.
CREATE VIEW metrics_bi.time_to_triage WITH (security_invoker = true) AS
  SELECT c.region, c.month,
    CASE WHEN sum(c.reports) < 5 THEN NULL ELSE sum(c.reports) END::bigint AS triaged,
    CASE WHEN sum(c.reports) < 5 THEN NULL
      ELSE (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY e.hours)
            FROM metric_triage_cells e CROSS JOIN generate_series(1, e.reports)
            WHERE e.region IS NOT DISTINCT FROM c.region AND e.month = c.month) END AS median_hours,
    CASE WHEN sum(c.reports) < 5 THEN NULL
      ELSE (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY e.hours)
            FROM metric_triage_cells e CROSS JOIN generate_series(1, e.reports)
            WHERE e.region IS NOT DISTINCT FROM c.region AND e.month = c.month) END AS p90_hours
  FROM metric_triage_cells c GROUP BY c.region, c.month;

-- The reader's organization's row only (row-level security): the console's figure for it.
CREATE VIEW metrics_bi.operator_actions WITH (security_invoker = true) AS
  SELECT since,
    CASE WHEN promoted BETWEEN 1 AND 4 THEN NULL ELSE promoted END AS promoted,
    CASE WHEN answered BETWEEN 1 AND 4 THEN NULL ELSE answered END AS answered,
    CASE WHEN blocked_or_taken_down BETWEEN 1 AND 4 THEN NULL ELSE blocked_or_taken_down END AS blocked_or_taken_down,
    CASE WHEN promoted = 0 OR answered BETWEEN 1 AND 4 OR promoted BETWEEN 1 AND 4 THEN NULL
      ELSE round(100.0 * answered / promoted, 1) END AS answered_percent
  FROM metric_action_cells;

-- Not a count of people or organizations: shown whole, the same for every reader (the owner's rights);
-- the ages are counted to now from the status as of `as_of`.
CREATE VIEW metrics_bi.ledger_health AS
  SELECT witness, tree_size, pending, checkpoint_at,
    greatest(0, round(extract(epoch FROM now() - checkpoint_at)))::bigint AS checkpoint_age_seconds,
    last_cosigned_size, last_cosigned_at,
    CASE WHEN witness IS NULL THEN NULL ELSE tree_size - coalesce(last_cosigned_size, 0) END AS lag_entries,
    greatest(0, round(extract(epoch FROM now() - last_cosigned_at)))::bigint AS lag_seconds,
    refreshed_at AS as_of
  FROM metric_ledger_cells;

-- Roles made before this migration read the new views and, for row-level security, their cells.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT role FROM metric_bi_roles JOIN pg_roles ON rolname = role LOOP
    EXECUTE format('GRANT SELECT ON metrics_bi.time_to_triage, metrics_bi.operator_actions, metrics_bi.ledger_health, metric_triage_cells, metric_action_cells TO %I', r.role);
  END LOOP;
END $$;
