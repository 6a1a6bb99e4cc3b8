-- Why: notifications as a domain of their own (issue 10), usable by incidents and later public
-- reports. The notify domain owns these tables: console notifications addressed to an
-- organization with each reader's read mark, subscriptions (signed webhooks or e-mail addresses)
-- managed by an organization's administrators, the outbox of deliveries still to make (written in
-- the transaction of the change that caused them, so a restart loses none) and the delivery log.
CREATE TABLE notifications (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations(id),
  topic       text NOT NULL,
  title       text NOT NULL,
  body        text NOT NULL DEFAULT '',
  link        text,
  data        jsonb NOT NULL DEFAULT '{}',
  -- One notification per key (a reminder per obligation and kind): a repeat is skipped.
  dedupe_key  text UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_org ON notifications (org_id, created_at DESC);

-- A reader (user or token id) who has read a notification.
CREATE TABLE notification_reads (
  notification_id uuid NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
  reader          text NOT NULL,
  read_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (reader, notification_id)
);

CREATE TABLE notify_subscriptions (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations(id),
  channel     text NOT NULL CHECK (channel IN ('webhook', 'email')),
  -- The webhook's URL or the e-mail address.
  target      text NOT NULL,
  -- Topics delivered ('incident.overdue', 'incident.*', '*').
  events      text[] NOT NULL,
  description text NOT NULL DEFAULT '',
  -- The webhook's signing secret, AES-256-GCM under the notify key (docs/notify.md); NULL for e-mail.
  secret_enc  bytea,
  active      boolean NOT NULL DEFAULT true,
  deleted     boolean NOT NULL DEFAULT false,
  created_by  text NOT NULL,
  version_no  integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notify_subscriptions_org ON notify_subscriptions (org_id) WHERE NOT deleted;

CREATE TABLE notify_outbox (
  id              uuid PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES notify_subscriptions(id),
  topic           text NOT NULL,
  -- The body delivered, fixed when the event happened.
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_at         timestamptz NOT NULL,
  -- A worker that claimed the row holds it until then; after a crash another takes it over.
  claimed_until   timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX notify_outbox_due ON notify_outbox (next_at) WHERE status = 'pending';

CREATE TABLE notify_deliveries (
  id              bigserial PRIMARY KEY,
  outbox_id       uuid NOT NULL REFERENCES notify_outbox(id),
  subscription_id uuid NOT NULL REFERENCES notify_subscriptions(id),
  attempt         integer NOT NULL,
  at              timestamptz NOT NULL,
  ok              boolean NOT NULL,
  status_code     integer,
  error           text,
  duration_ms     integer NOT NULL
);
CREATE INDEX notify_deliveries_subscription ON notify_deliveries (subscription_id, id DESC);
