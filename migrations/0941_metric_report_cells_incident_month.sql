-- Why: report cells are rebuilt with their incident's other cells, by the organization's incidents
-- of one month of creation (issue 13); a report is filed in its own month, so each cell also keeps
-- its incident's month, the partition it belongs to. The cells are built anew: the next read or
-- start finds no completed reconcile and rebuilds every cell from the base tables.
DELETE FROM metric_report_cells;
ALTER TABLE metric_report_cells ADD COLUMN incident_month text NOT NULL;
DELETE FROM metric_rollup_state WHERE scope = '*';
