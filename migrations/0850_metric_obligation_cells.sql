-- Why: the on-time share of statutory reports (issue 13) counted an unfiled obligation past its
-- deadline from the incident cells, which keep only each incident's earliest open deadline: an
-- incident that had missed two stages counted as one late obligation, and metrics_bi.report_timeliness
-- showed those with stage null. The open (not filed) obligations are now kept per organization,
-- region, sector, incident filing month, stage and deadline; "overdue" is due < now() when read,
-- so each missed stage counts once, under its own stage. Same rights (row-level security by the
-- reader's organization) and the same small-cell rule (a row under 5 is null throughout).
CREATE TABLE metric_obligation_cells (
  org_id       uuid NOT NULL,
  region       text NOT NULL,
  sector       text,
  -- 'YYYY-MM' of the incident's filing (as metric_incident_cells).
  month        text NOT NULL,
  stage        text NOT NULL,
  due          timestamptz NOT NULL,
  obligations  integer NOT NULL
);
CREATE INDEX metric_obligation_cells_org_idx ON metric_obligation_cells (org_id);
CREATE INDEX metric_obligation_cells_region_idx ON metric_obligation_cells (region text_pattern_ops, month);

ALTER TABLE metric_obligation_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_bi_read ON metric_obligation_cells FOR SELECT USING (metric_bi_sees_org(org_id, current_user));

-- BI roles created before this migration read the new table through the view (security_invoker).
DO $$
DECLARE r name;
BEGIN
  FOR r IN SELECT b.role FROM metric_bi_roles b JOIN pg_roles p ON p.rolname = b.role LOOP
    EXECUTE format('GRANT SELECT ON metric_obligation_cells TO %I', r);
  END LOOP;
END $$;

CREATE OR REPLACE VIEW metrics_bi.report_timeliness WITH (security_invoker = true) AS
  WITH due AS (
    SELECT region, sector, stage, month, reports AS n, late_hours IS NULL AS on_time, false AS overdue
      FROM metric_report_cells
    UNION ALL
    SELECT region, sector, stage, month, obligations, false, true
      FROM metric_obligation_cells WHERE due < now()
  )
  SELECT region, sector, stage, month,
    CASE WHEN sum(n) < 5 THEN NULL ELSE sum(n) END::bigint AS reports_due,
    CASE WHEN sum(n) < 5 THEN NULL ELSE coalesce(sum(n) FILTER (WHERE on_time), 0) END::bigint AS reports_on_time,
    CASE WHEN sum(n) < 5 THEN NULL ELSE coalesce(sum(n) FILTER (WHERE overdue), 0) END::bigint AS overdue_not_filed
  FROM due GROUP BY region, sector, stage, month;
