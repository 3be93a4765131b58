-- The case read model, its timeline and the transactional outbox (schema "casework").
-- The worker writes all three in one transaction per state change; the API reads.

-- Up Migration
CREATE TABLE cases (
  id                 uuid PRIMARY KEY,
  tracking_code      text NOT NULL UNIQUE,
  status             text NOT NULL,
  category           text NOT NULL,
  priority           text NOT NULL,
  channel            text NOT NULL,
  service_point_code text,
  title              text NOT NULL,
  description        text NOT NULL,
  resident_name      text NOT NULL,
  resident_phone     text NOT NULL,
  village_code       text,
  household_code     text,
  request_hash       text NOT NULL,
  opened_by          text,
  opened_at          timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  revision           integer NOT NULL DEFAULT 1
);
CREATE INDEX cases_status_opened_idx ON cases (status, opened_at DESC);
CREATE INDEX cases_opened_idx ON cases (opened_at DESC);

-- One row per state change; (case_id, step) is the business key that makes the
-- writing activity idempotent.
CREATE TABLE case_timeline (
  case_id  uuid NOT NULL REFERENCES cases (id),
  seq      integer NOT NULL,
  step     text NOT NULL,
  kind     text NOT NULL,
  actor    text,
  at       timestamptz NOT NULL,
  details  jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (case_id, seq),
  UNIQUE (case_id, step)
);

-- Events waiting to be published. The id order is the publish order; per case it
-- is the order of the state changes, because a case's changes are sequential.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  event_id      uuid NOT NULL UNIQUE,
  case_id       uuid NOT NULL,
  topic         text NOT NULL,
  event_type    text NOT NULL,
  event         jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('minqing_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Down Migration
DROP TABLE outbox;
DROP FUNCTION outbox_notify();
DROP TABLE case_timeline;
DROP TABLE cases;
