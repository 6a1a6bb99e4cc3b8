-- Why: incidents_due_idx (next_due, partial on NOT NULL) is covered by incidents_queue_idx, whose
-- leading column is next_due as well (migration 0810): every query on next_due (the queues' order,
-- the overdue filter `next_due < now`) can use that one. Each filing changes next_due, so each index
-- on it is one more entry to write per filing (issue 10: filing at 500/s over a million incidents).
DROP INDEX IF EXISTS incidents_due_idx;
