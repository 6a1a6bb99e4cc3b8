-- Why: figures kept by roll-ups updated from domain events instead of scanning the base tables on
-- every page view (issue 13), and read-only views of the same figures for BI tools (Superset,
-- Grafana), scoped by the access rule through row-level security. The cells are kept per
-- organization (the unit the access rule sees); a read sums the cells of the organizations the
-- caller may see. Figures that depend on the day they are read (KEV past due, overdue) keep the
-- date they turn on, so that they need no write when time passes.
CREATE TABLE metric_exposure_cells (
  org_id              uuid NOT NULL,
  region              text NOT NULL,
  sector              text,
  -- The due date of the KEV exposures counted in `kev`; null for the others.
  kev_due             date,
  open_critical_high  integer NOT NULL,
  kev                 integer NOT NULL
);
CREATE INDEX metric_exposure_cells_org_idx ON metric_exposure_cells (org_id);
CREATE INDEX metric_exposure_cells_region_idx ON metric_exposure_cells (region text_pattern_ops);

CREATE TABLE metric_incident_cells (
  org_id     uuid NOT NULL,
  region     text NOT NULL,
  sector     text,
  -- 'YYYY-MM' of filing.
  month      text NOT NULL,
  grade      text NOT NULL,
  -- The earliest open deadline of the incidents counted; "overdue" is next_due < now().
  next_due   timestamptz,
  incidents  integer NOT NULL
);
CREATE INDEX metric_incident_cells_org_idx ON metric_incident_cells (org_id);
CREATE INDEX metric_incident_cells_region_idx ON metric_incident_cells (region text_pattern_ops, month);

CREATE TABLE metric_report_cells (
  org_id           uuid NOT NULL,
  region           text NOT NULL,
  sector           text,
  stage            text NOT NULL,
  -- 'YYYY-MM' of filing.
  month            text NOT NULL,
  -- Whole hours from awareness to filing (rounded up), the stage's limit, hours late (null: in time).
  hours_to_report  integer NOT NULL,
  limit_hours      integer NOT NULL,
  late_hours       integer,
  reports          integer NOT NULL
);
CREATE INDEX metric_report_cells_org_idx ON metric_report_cells (org_id);
CREATE INDEX metric_report_cells_region_idx ON metric_report_cells (region text_pattern_ops, month);

-- Public reports belong to the centre: kept by region (null: no region given) and month.
CREATE TABLE metric_public_cells (
  region           text,
  month            text NOT NULL,
  reports          integer NOT NULL,
  awaiting_triage  integer NOT NULL
);

-- When the cells were last rebuilt: '*' for the whole reconcile, 'public' for public reports.
CREATE TABLE metric_rollup_state (
  scope         text PRIMARY KEY,
  refreshed_at  timestamptz NOT NULL,
  cells         integer NOT NULL DEFAULT 0
);

-- A BI tool's read-only database role and the organization whose view it has (PostgreSQL only).
CREATE TABLE metric_bi_roles (
  role        text PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- The access rule (src/access/policy.ts, visibleOrgsSql) for the organization mapped to the
-- current database role: its own subtree, and a sector regulator also its sector's operators in
-- its region. SECURITY DEFINER, so that a BI role needs no right on the organizations table.
CREATE FUNCTION metric_bi_sees_org(target uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM metric_bi_roles b
    JOIN organizations v ON v.id = b.org_id
    JOIN organizations o ON o.id = target
    WHERE b.role = current_user
      AND (starts_with(o.path, v.path)
        OR (v.kind = 'sector-regulator' AND v.sector IS NOT NULL AND o.kind = 'operator' AND o.sector = v.sector
            AND (o.region = v.region OR starts_with(o.region, v.region || '-')))))
$$;

-- Public reports: the counts of the role's region and below; the centre also those without a region.
CREATE FUNCTION metric_bi_sees_region(target text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM metric_bi_roles b JOIN organizations v ON v.id = b.org_id
    WHERE b.role = current_user
      AND ((target IS NULL AND v.kind = 'coordination-centre')
        OR target = v.region OR starts_with(target, v.region || '-')))
$$;

-- Row-level security: the owner (Bulwark itself) is not subject to it; a BI role sees the rows
-- of the organizations and regions its organization may see, and cannot write (no grant).
ALTER TABLE metric_exposure_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE metric_incident_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE metric_report_cells ENABLE ROW LEVEL SECURITY;
ALTER TABLE metric_public_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_bi_read ON metric_exposure_cells FOR SELECT USING (metric_bi_sees_org(org_id));
CREATE POLICY metric_bi_read ON metric_incident_cells FOR SELECT USING (metric_bi_sees_org(org_id));
CREATE POLICY metric_bi_read ON metric_report_cells FOR SELECT USING (metric_bi_sees_org(org_id));
CREATE POLICY metric_bi_read ON metric_public_cells FOR SELECT USING (metric_bi_sees_region(region));

-- The documented views (docs/metrics.md), run with the caller's rights (security_invoker) so
-- that row-level security applies. Counts of 1–4 are shown as null: a small cell could identify
-- an organization or a reporter.
CREATE SCHEMA metrics_bi;

CREATE VIEW metrics_bi.incidents_by_month WITH (security_invoker = true) AS
  SELECT region, sector, month, grade,
    CASE WHEN sum(incidents) < 5 THEN NULL ELSE sum(incidents) END::bigint AS incidents,
    CASE WHEN count(*) FILTER (WHERE next_due < now()) = 0 THEN 0
         WHEN sum(incidents) FILTER (WHERE next_due < now()) < 5 THEN NULL
         ELSE sum(incidents) FILTER (WHERE next_due < now()) END::bigint AS overdue_now
  FROM metric_incident_cells GROUP BY region, sector, month, grade;

CREATE VIEW metrics_bi.open_exposures WITH (security_invoker = true) AS
  SELECT region, sector,
    sum(open_critical_high)::bigint AS open_critical_high,
    coalesce(sum(kev) FILTER (WHERE kev_due < current_date), 0)::bigint AS kev_past_due,
    max(current_date - kev_due) FILTER (WHERE kev_due < current_date AND kev > 0) AS kev_past_due_max_days
  FROM metric_exposure_cells GROUP BY region, sector;

CREATE VIEW metrics_bi.report_timeliness WITH (security_invoker = true) AS
  SELECT region, sector, stage, month,
    CASE WHEN sum(reports) < 5 THEN NULL ELSE sum(reports) END::bigint AS reports_due,
    CASE WHEN sum(reports) < 5 THEN NULL ELSE coalesce(sum(reports) FILTER (WHERE late_hours IS NULL), 0) END::bigint
      AS reports_on_time
  FROM metric_report_cells GROUP BY region, sector, stage, month;

CREATE VIEW metrics_bi.public_reports WITH (security_invoker = true) AS
  SELECT region, month,
    CASE WHEN sum(reports) < 5 THEN NULL ELSE sum(reports) END::bigint AS reports,
    CASE WHEN sum(awaiting_triage) BETWEEN 1 AND 4 THEN NULL ELSE sum(awaiting_triage) END::bigint AS awaiting_triage
  FROM metric_public_cells GROUP BY region, month;

-- Reference data (imported statistics with their licence): the same for every role.
CREATE VIEW metrics_bi.indicator_values AS
  SELECT o.indicator, i.name, i.unit, i.direction, o.region, o.period, o.value, o.numerator, o.denominator,
    o.estimate, o.provisional, o.break, o.vintage, o.source, o.licence, o.demo
  FROM metric_observations o JOIN metric_indicators i ON i.code = o.indicator;

CREATE VIEW metrics_bi.regions AS
  SELECT code, parent, name, level, settlement, population, demo FROM metric_regions;
