-- Why: reminders before a statutory deadline and overdue alerts escalated to the parent
-- organization (issue 10) must go out once per obligation and kind, across restarts and servers.
-- The incidents domain owns this record of the alerts it raised; the notifications themselves are
-- the notify domain's. The partial index serves the scheduler's scan of open deadlines.
CREATE TABLE incident_alerts (
  incident_id  uuid NOT NULL REFERENCES incidents(id),
  stage        text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('reminder', 'overdue')),
  due          timestamptz NOT NULL,
  raised_at    timestamptz NOT NULL,
  PRIMARY KEY (incident_id, stage, kind)
);

CREATE INDEX incident_obligations_open_due_idx ON incident_obligations (due)
  WHERE satisfied_at IS NULL AND due IS NOT NULL;
