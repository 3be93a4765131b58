-- Market-day duty (双定 — 定时服务, issue 13): one row per attendance event of a
-- rostered cadre at an occurrence of a session. A later row for the same
-- session, date and cadre is a correction: figures take the latest
-- (recorded_at, then event id). Filled from the events: the projection's
-- generation rises to 4, and reporting rebuilds by itself at start.

-- Up Migration
CREATE TABLE attendance_facts (
  event_id        uuid PRIMARY KEY,
  session_code    text NOT NULL,
  village_code    text NOT NULL,
  session_date    date NOT NULL,
  cadre_code      text NOT NULL,
  department_code text,
  status          text NOT NULL,
  reason          text,
  recorded_by     text NOT NULL,
  on_behalf       boolean NOT NULL,
  recorded_at     timestamptz NOT NULL
);
CREATE INDEX attendance_facts_cadre_idx ON attendance_facts (cadre_code, session_date);

-- Down Migration
DROP TABLE attendance_facts;
