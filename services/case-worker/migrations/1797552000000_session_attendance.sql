-- Market-day duty (双定 — 定时服务, issue 13): the attendance of the cadres on a
-- session's duty roster at one occurrence (date) of the session — arrived, or
-- absent with a reason code —, recorded by the cadre or on their behalf by a
-- manager (recorded_by). Every record is kept; a later one for the same
-- session, date and cadre is a correction and the latest counts. Written with
-- its outbox event in one transaction, keyed by the cadre like work records.

-- Up Migration
CREATE TABLE session_attendance (
  id            uuid PRIMARY KEY,
  session_code  text NOT NULL,
  village_code  text NOT NULL,
  session_date  date NOT NULL,
  cadre_code    text NOT NULL,
  department_code text,
  status        text NOT NULL CHECK (status IN ('arrived', 'absent')),
  reason        text CHECK (reason IN ('sick_leave', 'personal_leave', 'official_business', 'other_duty', 'other')),
  recorded_by   text NOT NULL,
  on_behalf     boolean NOT NULL,
  recorded_at   timestamptz NOT NULL,
  CHECK ((status = 'absent') = (reason IS NOT NULL))
);
CREATE INDEX session_attendance_session_idx ON session_attendance (session_code, session_date, cadre_code, recorded_at DESC);
CREATE INDEX session_attendance_cadre_idx ON session_attendance (cadre_code, session_date);

-- Down Migration
DROP TABLE session_attendance;
