-- Staff accounts and their sign-in sessions (issue 5). An account is usually a
-- cadre of the roster (same code); the assessment group and administrators may
-- have accounts without a cadre. The role decides what the console offers and
-- what the API lets the account see; links (department, area, households) come
-- from the roster, so they follow roster changes.

-- Up Migration
CREATE TABLE accounts (
  username           text PRIMARY KEY,
  cadre_code         text REFERENCES cadres (code),
  display_name       text NOT NULL,
  role               text NOT NULL CHECK (role IN ('hall_staff','cadre','department_head','area_leader','township_leader','assessment','admin')),
  service_point_code text REFERENCES service_points (code),
  channel            text CHECK (channel IN ('hall','station','market_day')),
  password_hash      text NOT NULL,
  disabled           boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_cadre_idx ON accounts (cadre_code) WHERE cadre_code IS NOT NULL;

-- Only a SHA-256 of the session token is stored: a leaked table opens no session.
CREATE TABLE sign_in_sessions (
  token_hash   bytea PRIMARY KEY,
  username     text NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  user_agent   text
);
CREATE INDEX sign_in_sessions_expiry_idx ON sign_in_sessions (expires_at);
CREATE INDEX sign_in_sessions_user_idx ON sign_in_sessions (username);

-- Down Migration
DROP TABLE sign_in_sessions;
DROP TABLE accounts;
