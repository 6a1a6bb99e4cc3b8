-- Why: metric_obligation_cells (0850) starts empty, and a process that only reads (the command line,
-- a server before its first reconcile) rebuilds the cells only when they were never built. Forgetting
-- when they were last built makes the next reader rebuild every cell, the new ones included.
DELETE FROM metric_rollup_state WHERE scope = '*';
