-- Why: in a SECURITY DEFINER function current_user is the function's owner, not the BI role that
-- reads, so the row-level security of 0603 let a BI role see nothing. The policies now pass the
-- reading role (current_user where the policy is evaluated) to the functions. A role may ask the
-- functions about another role's visibility; they answer only true or false about an id it gives.
DROP POLICY metric_bi_read ON metric_exposure_cells;
DROP POLICY metric_bi_read ON metric_incident_cells;
DROP POLICY metric_bi_read ON metric_report_cells;
DROP POLICY metric_bi_read ON metric_public_cells;
DROP FUNCTION metric_bi_sees_org(uuid);
DROP FUNCTION metric_bi_sees_region(text);

-- The access rule (src/access/policy.ts, visibleOrgsSql) for the organization mapped to `reader`:
-- its own subtree, and a sector regulator also its sector's operators in its region.
CREATE FUNCTION metric_bi_sees_org(target uuid, reader name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM metric_bi_roles b
    JOIN organizations v ON v.id = b.org_id
    JOIN organizations o ON o.id = target
    WHERE b.role = reader
      AND (starts_with(o.path, v.path)
        OR (v.kind = 'sector-regulator' AND v.sector IS NOT NULL AND o.kind = 'operator' AND o.sector = v.sector
            AND (o.region = v.region OR starts_with(o.region, v.region || '-')))))
$$;

-- Public reports: the counts of the reader's region and below; the centre also those without a region.
CREATE FUNCTION metric_bi_sees_region(target text, reader name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (
    SELECT 1 FROM metric_bi_roles b JOIN organizations v ON v.id = b.org_id
    WHERE b.role = reader
      AND ((target IS NULL AND v.kind = 'coordination-centre')
        OR target = v.region OR starts_with(target, v.region || '-')))
$$;

CREATE POLICY metric_bi_read ON metric_exposure_cells FOR SELECT USING (metric_bi_sees_org(org_id, current_user));
CREATE POLICY metric_bi_read ON metric_incident_cells FOR SELECT USING (metric_bi_sees_org(org_id, current_user));
CREATE POLICY metric_bi_read ON metric_report_cells FOR SELECT USING (metric_bi_sees_org(org_id, current_user));
CREATE POLICY metric_bi_read ON metric_public_cells FOR SELECT USING (metric_bi_sees_region(region, current_user));
