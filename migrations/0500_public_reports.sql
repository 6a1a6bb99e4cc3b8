-- Why: the public reporting portal (issue 12). Members of the public file reports of fraud,
-- intrusions and privacy violations without an account. A report keeps its X-ARF-like fields and
-- canonical observables; the reporter's optional contact only encrypted (AES-256-GCM) beside a
-- keyed hash for rate limits, deleted 30 days after closure; the receipt token only as a SHA-256
-- hash. Observables are aggregated across reports (distinct reporters, candidates, promotion to an
-- indicator); spent proof-of-work challenges are kept until they expire so a replay is refused;
-- operators post back what they did with a published indicator.

CREATE TABLE public_reports (
  id uuid PRIMARY KEY,
  -- The organization that receives public reports (the coordination centre); the ledger's org.
  org_id uuid NOT NULL REFERENCES organizations (id),
  category text NOT NULL,
  region text,
  contact_method text,
  occurred_at timestamptz,
  loss_minor bigint,
  loss_currency text,
  payment_method text,
  narrative text NOT NULL DEFAULT '',
  -- The SMS or message text as received (its SimHash links campaigns).
  message text,
  simhash bigint,
  status text NOT NULL DEFAULT 'received',
  decision text,
  decision_reason text,
  duplicate_of uuid REFERENCES public_reports (id),
  decided_by uuid,
  decided_at timestamptz,
  receipt_hash bytea NOT NULL UNIQUE,
  -- Keyed hash of the reporter (its reporter token, else its network prefix): distinct reporters.
  reporter_key bytea NOT NULL,
  -- Keyed hash of observables + narrative (+ reporter), for resubmissions within 24 h.
  fingerprint bytea NOT NULL,
  contact_ciphertext bytea,
  contact_hash bytea,
  version integer NOT NULL DEFAULT 1,
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
CREATE INDEX public_reports_queue ON public_reports (status, created_at);
CREATE INDEX public_reports_fingerprint ON public_reports (fingerprint, created_at);
CREATE INDEX public_reports_contact ON public_reports (closed_at) WHERE contact_ciphertext IS NOT NULL;
CREATE INDEX public_reports_contact_hash ON public_reports (contact_hash, created_at) WHERE contact_hash IS NOT NULL;
CREATE INDEX public_reports_simhash ON public_reports (simhash) WHERE simhash IS NOT NULL;

CREATE TABLE public_report_observables (
  report_id uuid NOT NULL REFERENCES public_reports (id) ON DELETE CASCADE,
  type text NOT NULL,
  key text NOT NULL,
  country text,
  spoofable boolean NOT NULL DEFAULT false,
  -- Derived from another observable (the registrable domain of a reported URL), not typed by the reporter.
  derived boolean NOT NULL DEFAULT false,
  reporter_key bytea NOT NULL,
  reported_at timestamptz NOT NULL,
  PRIMARY KEY (report_id, type, key)
);
CREATE INDEX public_report_observables_key ON public_report_observables (type, key, reported_at);

CREATE TABLE public_report_supplements (
  id uuid PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES public_reports (id) ON DELETE CASCADE,
  text text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_report_supplements_report ON public_report_supplements (report_id, created_at);

-- The timeline's steps that are not derived from other tables (triaged, decisions, closed, …).
CREATE TABLE public_report_events (
  seq bigserial PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES public_reports (id) ON DELETE CASCADE,
  kind text NOT NULL,
  detail text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX public_report_events_report ON public_report_events (report_id, seq);

-- One row per canonical observable ever reported: its state on the way to an indicator.
CREATE TABLE public_observables (
  type text NOT NULL,
  key text NOT NULL,
  status text NOT NULL DEFAULT 'watching',
  candidate_at timestamptz,
  candidate_reason text,
  allowlisted boolean NOT NULL DEFAULT false,
  approvals uuid[] NOT NULL DEFAULT '{}',
  indicator_id text,
  published_at timestamptz,
  valid_until timestamptz,
  shared_with integer NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (type, key)
);
CREATE INDEX public_observables_status ON public_observables (status, candidate_at);
CREATE INDEX public_observables_indicator ON public_observables (indicator_id) WHERE indicator_id IS NOT NULL;

-- What operators did with a published indicator (blocked, taken down, refused).
CREATE TABLE public_indicator_actions (
  indicator_id text NOT NULL,
  org_id uuid NOT NULL REFERENCES organizations (id),
  action text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (indicator_id, org_id)
);

-- Spent proof-of-work challenges, kept until they expire: altcha-lib alone accepts a replay.
CREATE TABLE public_pow_spent (
  challenge text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX public_pow_spent_expiry ON public_pow_spent (expires_at);

-- The portal's secret (contact encryption, keyed hashes, challenge signatures): generated on first
-- start, encrypted under BULWARK_PUBLIC_SECRET (else BULWARK_LEDGER_SECRET) when one is set.
CREATE TABLE public_secrets (
  name text PRIMARY KEY,
  value bytea NOT NULL,
  encrypted boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
