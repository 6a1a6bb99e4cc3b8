-- Why: the console's on-time share (issue 13) counts an obligation past its deadline and not filed as
-- due and late; metrics_bi.report_timeliness counted filed reports only, so a BI tool had to add
-- incidents_by_month.overdue_now itself to get the console's figure. The view now carries those
-- obligations too: rows with stage null (the cells keep an incident's earliest open deadline, not
-- its stage) and month the incident's filing month, counted in reports_due and in the new
-- overdue_not_filed, never in reports_on_time. Summing reports_due and reports_on_time over the
-- rows of a region and months gives the console's share. Same rights (security_invoker, row-level
-- security on both cell tables) and the same small-cell rule (a row under 5 is null throughout).
CREATE OR REPLACE VIEW metrics_bi.report_timeliness WITH (security_invoker = true) AS
  WITH due AS (
    SELECT region, sector, stage, month, reports AS n, late_hours IS NULL AS on_time, false AS overdue
      FROM metric_report_cells
    UNION ALL
    SELECT region, sector, NULL::text, month, incidents, false, true
      FROM metric_incident_cells WHERE next_due < now()
  )
  SELECT region, sector, stage, month,
    CASE WHEN sum(n) < 5 THEN NULL ELSE sum(n) END::bigint AS reports_due,
    CASE WHEN sum(n) < 5 THEN NULL ELSE coalesce(sum(n) FILTER (WHERE on_time), 0) END::bigint AS reports_on_time,
    CASE WHEN sum(n) < 5 THEN NULL ELSE coalesce(sum(n) FILTER (WHERE overdue), 0) END::bigint AS overdue_not_filed
  FROM due GROUP BY region, sector, stage, month;
