-- Why: the incident queues (issue 10: a province's overdue queue and the centre's open-major view,
-- p99 under 50 ms on PostgreSQL) walked incidents_due_idx in deadline order and read every row it
-- passed from the table, then looked its organization up, to keep the few the actor may see; and
-- the capped total of the open-major view read the whole table. These indexes hold the queue's
-- whole order (next_due, created_at DESC, id) and the organization, so the page is chosen from the
-- index alone (only its rows are then read) and the totals count index entries.
CREATE INDEX incidents_queue_idx ON incidents (next_due, created_at DESC, id) INCLUDE (org_id);
DROP INDEX incidents_open_major_idx;
CREATE INDEX incidents_open_major_idx ON incidents (next_due, created_at DESC, id) INCLUDE (org_id)
  WHERE grade IN ('major', 'particularly-major') AND status <> 'closed';
