-- Why: operators report incidents within statutory deadlines (issue 10). The incidents domain owns
-- these tables: the incident with its workflow status and the earliest open deadline (the queue's
-- sort key), the obligations the deadline engine computes per regime stage, the statutory reports
-- filed against them, the shared timeline (grade history included), response tasks, and each
-- organization's reporting profile (entity type, time zone, regime) that overrides the defaults.
CREATE TABLE incident_profiles (
  org_id       uuid PRIMARY KEY REFERENCES organizations(id),
  entity_type  text,
  time_zone    text,
  regime       text,
  version_no   integer NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE incidents (
  id              uuid PRIMARY KEY,
  org_id          uuid NOT NULL REFERENCES organizations(id),
  -- Copied from the organization when filed: the queues filter on them without a join.
  region          text NOT NULL,
  sector          text,
  title           text NOT NULL,
  description     text NOT NULL DEFAULT '',
  category        text NOT NULL,
  grade           text NOT NULL CHECK (grade IN ('general', 'relatively-major', 'major', 'particularly-major')),
  status          text NOT NULL CHECK (status IN ('draft', 'reported', 'triaged', 'responding', 'recovered', 'closed')),
  regime          text NOT NULL,
  entity_type     text NOT NULL,
  time_zone       text NOT NULL,
  exercise        boolean NOT NULL DEFAULT false,
  occurred_at     timestamptz,
  aware_at        timestamptz NOT NULL,
  contained_at    timestamptz,
  recovered_at    timestamptz,
  closed_at       timestamptz,
  ransom_demanded boolean NOT NULL DEFAULT false,
  ransom_paid_at  timestamptz,
  impact          jsonb NOT NULL DEFAULT '{}',
  assets          uuid[] NOT NULL DEFAULT '{}',
  indicators      text NOT NULL DEFAULT '',
  -- The earliest deadline of an obligation not yet satisfied (NULL: nothing due): the queue's order,
  -- and `next_due < now()` is "overdue".
  next_due        timestamptz,
  -- Set when the incident is first graded major or above: the centre's alert queue.
  escalated_at    timestamptz,
  alert_acknowledged_at timestamptz,
  reported_at     timestamptz,
  created_by      text NOT NULL,
  version_no      integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_org_due_idx ON incidents (org_id, next_due);
CREATE INDEX incidents_due_idx ON incidents (next_due) WHERE next_due IS NOT NULL;
CREATE INDEX incidents_region_due_idx ON incidents (region text_pattern_ops, next_due);
CREATE INDEX incidents_sector_due_idx ON incidents (sector, next_due);
CREATE INDEX incidents_open_major_idx ON incidents (next_due, created_at)
  WHERE grade IN ('major', 'particularly-major') AND status <> 'closed';
CREATE INDEX incidents_alerts_idx ON incidents (escalated_at)
  WHERE escalated_at IS NOT NULL AND alert_acknowledged_at IS NULL;

CREATE TABLE incident_obligations (
  incident_id    uuid NOT NULL REFERENCES incidents(id),
  stage          text NOT NULL,
  title          text NOT NULL,
  due            timestamptz,
  recipient      text NOT NULL,
  recipient_org  uuid REFERENCES organizations(id),
  filer          text NOT NULL,
  satisfied_at   timestamptz,
  report_id      uuid,
  PRIMARY KEY (incident_id, stage)
);

CREATE TABLE incident_reports (
  id           uuid PRIMARY KEY,
  incident_id  uuid NOT NULL REFERENCES incidents(id),
  stage        text NOT NULL,
  content      jsonb NOT NULL,
  recipient_org uuid REFERENCES organizations(id),
  filed_by     text NOT NULL,
  filed_by_name text NOT NULL,
  filed_by_org uuid NOT NULL REFERENCES organizations(id),
  filed_at     timestamptz NOT NULL,
  due          timestamptz,
  entry_seq    bigint NOT NULL
);
CREATE INDEX incident_reports_incident_idx ON incident_reports (incident_id, filed_at);

CREATE TABLE incident_events (
  id           bigserial PRIMARY KEY,
  incident_id  uuid NOT NULL REFERENCES incidents(id),
  at           timestamptz NOT NULL,
  kind         text NOT NULL,
  actor_id     text NOT NULL,
  actor_name   text NOT NULL,
  actor_org    uuid REFERENCES organizations(id),
  data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id);

CREATE TABLE incident_tasks (
  id           uuid PRIMARY KEY,
  incident_id  uuid NOT NULL REFERENCES incidents(id),
  org_id       uuid NOT NULL REFERENCES organizations(id),
  title        text NOT NULL,
  owner        text,
  due          timestamptz,
  status       text NOT NULL CHECK (status IN ('open', 'in-progress', 'done', 'cancelled')),
  kind         text NOT NULL DEFAULT 'task' CHECK (kind IN ('task', 'assistance')),
  created_by   text NOT NULL,
  version_no   integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_tasks_incident_idx ON incident_tasks (incident_id, created_at);
