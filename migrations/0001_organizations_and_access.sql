-- Why: the organization tree, its users, console sessions and API tokens are what every other
-- domain scopes its records by; the shared access function reads path, kind, sector and region.
CREATE TABLE organizations (
  id          uuid PRIMARY KEY,
  parent_id   uuid REFERENCES organizations(id),
  -- Materialised path of ids from the root ('/<root>/<child>/.../<id>/'): a subtree is one LIKE.
  path        text NOT NULL UNIQUE,
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('coordination-centre', 'regional-authority', 'sector-regulator', 'operator')),
  region      text NOT NULL,
  sector      text,
  critical    boolean NOT NULL DEFAULT false,
  demo        boolean NOT NULL DEFAULT false,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((parent_id IS NULL) = (kind = 'coordination-centre')),
  CHECK (kind <> 'sector-regulator' OR sector IS NOT NULL)
);
CREATE INDEX organizations_path_idx ON organizations (path text_pattern_ops);
CREATE INDEX organizations_sector_idx ON organizations (sector, region);
CREATE UNIQUE INDEX organizations_one_root ON organizations ((true)) WHERE parent_id IS NULL;

CREATE TABLE users (
  id               uuid PRIMARY KEY,
  org_id           uuid NOT NULL REFERENCES organizations(id),
  username         text NOT NULL UNIQUE,
  display_name     text NOT NULL,
  roles            text[] NOT NULL,
  password_hash    text NOT NULL,
  failed_sign_ins  integer NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  disabled         boolean NOT NULL DEFAULT false,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org_idx ON users (org_id);

-- Console sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
  id_hash     bytea PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users(id),
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Bearer tokens for machines: 'bwk_<id>_<secret>'; only the SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  org_id       uuid NOT NULL REFERENCES organizations(id),
  role         text NOT NULL,
  name         text NOT NULL,
  secret_hash  bytea NOT NULL,
  created_by   uuid REFERENCES users(id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_org_idx ON api_tokens (org_id);
