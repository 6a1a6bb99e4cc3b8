-- Why: the metrics roll-up rebuilds an organization's incident, report and obligation cells after a
-- write for the month of the incidents written only (issue 13), not for the organization's whole
-- history (at a million incidents, about 6,700 an organization, that rebuild took up to 1.75 s on
-- the embedded database); this index finds an organization's incidents of one month.
CREATE INDEX incidents_org_created_idx ON incidents (org_id, created_at);
