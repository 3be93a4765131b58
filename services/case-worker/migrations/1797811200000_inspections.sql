-- 一听二看三查 (issue 13): the assessment group's inspections of cadres. One
-- row per inspection, written with its outbox event
-- (org.minqing.inspection.recorded.v1, keyed by the cadre) in one transaction.
-- The notes and findings stay here; the event carries scores and counts only.
-- The scale and grades are shared/src/domain/inspection.ts.

-- Up Migration
CREATE TABLE inspections (
  id               uuid PRIMARY KEY,
  cadre_code       text NOT NULL,
  department_code  text,
  inspected_on     date NOT NULL,
  listen_date      date NOT NULL,
  listen_notes     text NOT NULL,
  listen_score     integer NOT NULL CHECK (listen_score BETWEEN 0 AND 100),
  ledger_households text[] NOT NULL DEFAULT '{}',
  diary_records    uuid[] NOT NULL DEFAULT '{}',
  look_findings    text NOT NULL,
  look_score       integer NOT NULL CHECK (look_score BETWEEN 0 AND 100),
  checked_households text[] NOT NULL DEFAULT '{}',
  check_findings   text NOT NULL,
  check_score      integer NOT NULL CHECK (check_score BETWEEN 0 AND 100),
  score            integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  grade            text NOT NULL CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
  recorded_by      text NOT NULL,
  recorded_at      timestamptz NOT NULL
);
CREATE INDEX inspections_cadre_idx ON inspections (cadre_code, inspected_on);
CREATE INDEX inspections_date_idx ON inspections (inspected_on DESC, recorded_at DESC, id DESC);

-- Down Migration
DROP TABLE inspections;
