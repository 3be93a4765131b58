-- Open311 GeoReport v2 (issue 14), schema "directory" (the case API's): the API
-- keys administrators hand to third-party apps, and which case each Open311
-- request opened (so a key is answered about its own requests, and only
-- requests that came in through Open311 are published there).

-- Up Migration

-- One key per app or organisation. Only a SHA-256 of the secret is stored (the
-- secret has 256 random bits, so a plain hash is enough, as for sessions): the
-- secret is shown once, at creation. Keys are revoked, never deleted, so every
-- case and audit entry keeps naming the key it came with.
CREATE TABLE open311_keys (
  id                 text PRIMARY KEY,
  name               text NOT NULL,
  organisation       text NOT NULL,
  -- the hall or station whose staff follow the key's requests up (回访) and close them; null: managers do
  service_point_code text REFERENCES service_points (code),
  secret_hash        bytea NOT NULL UNIQUE,
  created_at         timestamptz NOT NULL DEFAULT now(),
  created_by         text NOT NULL,
  revoked_at         timestamptz,
  revoked_by         text,
  last_used_at       timestamptz,
  CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- The case each Open311 request opened. Location and the attached media URL are
-- the resident's and stay here (the case API's schema), shown only to the key
-- that sent them; the case itself carries the text, the resident and the channel.
CREATE TABLE open311_requests (
  case_id       uuid PRIMARY KEY,
  tracking_code text NOT NULL UNIQUE,
  key_id        text NOT NULL REFERENCES open311_keys (id),
  -- handed out with the request; GET tokens/{token} answers its service_request_id
  token         text NOT NULL UNIQUE,
  service_code  text NOT NULL,
  requested_at  timestamptz NOT NULL,
  address       text,
  lat           double precision CHECK (lat BETWEEN -90 AND 90),
  long          double precision CHECK (long BETWEEN -180 AND 180),
  media_url     text
);
CREATE INDEX open311_requests_requested_idx ON open311_requests (requested_at DESC, case_id);
CREATE INDEX open311_requests_key_idx ON open311_requests (key_id, requested_at DESC);

-- Down Migration
DROP TABLE open311_requests;
DROP TABLE open311_keys;
