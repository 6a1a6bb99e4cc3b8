-- Why: the hard 15-minute account lock let anyone lock anyone out and told who exists (issue 8 #5).
-- Failed sign-ins now slow down the source, the account from that source, and (gently) the account
-- from everywhere, with exponential delays that reset on success and after a quiet period. The
-- state lives in the database so that every API process behind a load balancer applies it alike.
-- Keys never hold a typed username: 'acct:<sha256 hex>' and 'pair:<sha256 hex>:<address>' hash it
-- (people type passwords into the username field), 'addr:<address>' is the client address.
CREATE TABLE sign_in_throttle (
  key              text PRIMARY KEY,
  failures         integer NOT NULL,
  blocked_until    timestamptz,
  last_failure_at  timestamptz NOT NULL
);
CREATE INDEX sign_in_throttle_last_failure_idx ON sign_in_throttle (last_failure_at);

-- The columns of the old lock are no longer read or written.
ALTER TABLE users DROP COLUMN failed_sign_ins;
ALTER TABLE users DROP COLUMN locked_until;
