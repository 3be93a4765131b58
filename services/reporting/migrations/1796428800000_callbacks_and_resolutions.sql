-- Every callback (回访) and every resolution, one row per event (issue 10), so the
-- figure definitions figures-2026.2 can count every callback as a rating and the
-- reopen rate over every case ever resolved. Each row keeps the case's
-- attribution when the event happened. case_facts keeps what figures-2026.1 needs.
-- Events applied before this migration are not in these tables: rebuild the
-- projections once after upgrading (POST /api/v1/reports/rebuild).

-- Up Migration
CREATE TABLE callbacks (
  event_id        uuid PRIMARY KEY REFERENCES processed_events (event_id),
  case_id         uuid NOT NULL,
  at              timestamptz NOT NULL,
  satisfaction    text NOT NULL,
  assignee_code   text,
  department_code text,
  area_code       text,
  village_code    text
);
CREATE INDEX callbacks_case_idx ON callbacks (case_id);

CREATE TABLE resolutions (
  event_id        uuid PRIMARY KEY REFERENCES processed_events (event_id),
  case_id         uuid NOT NULL,
  at              timestamptz NOT NULL,
  on_time         boolean NOT NULL,
  assignee_code   text,
  department_code text,
  area_code       text,
  village_code    text
);
CREATE INDEX resolutions_case_idx ON resolutions (case_id);

-- Down Migration
DROP TABLE resolutions;
DROP TABLE callbacks;
