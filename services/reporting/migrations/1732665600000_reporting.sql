-- The reporting service's own schema ("reporting"). Figures are projections of
-- the case events; processed_events makes consumption idempotent: an event's id
-- is recorded in the same transaction as the figures it changes.

-- Up Migration
CREATE TABLE processed_events (
  event_id      uuid PRIMARY KEY,
  event_type    text NOT NULL,
  case_id       uuid NOT NULL,
  event_time    timestamptz NOT NULL,
  topic         text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset  bigint NOT NULL,
  processed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX processed_events_case_idx ON processed_events (case_id);

-- One row per case: the facts the figures are computed from.
CREATE TABLE case_facts (
  case_id          uuid PRIMARY KEY,
  tracking_code    text NOT NULL,
  category         text NOT NULL,
  priority         text NOT NULL,
  channel          text NOT NULL,
  service_point_code text,
  village_code     text,
  opened_at        timestamptz NOT NULL,
  opened_event_id  uuid NOT NULL REFERENCES processed_events (event_id)
);
CREATE INDEX case_facts_opened_idx ON case_facts (opened_at);

-- Messages that failed validation: kept with the reason, also sent to the DLQ topic.
CREATE TABLE dead_letters (
  id              bigserial PRIMARY KEY,
  topic           text NOT NULL,
  kafka_partition integer NOT NULL,
  kafka_offset    bigint NOT NULL,
  event_id        text,
  event_type      text,
  reason          text NOT NULL,
  headers         jsonb NOT NULL,
  value           text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (topic, kafka_partition, kafka_offset)
);

-- Down Migration
DROP TABLE dead_letters;
DROP TABLE case_facts;
DROP TABLE processed_events;
