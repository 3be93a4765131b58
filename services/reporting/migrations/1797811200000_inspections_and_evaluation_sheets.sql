-- 一听二看三查 and 评先选优 (issue 13).
-- inspection_facts: one row per inspection event (org.minqing.inspection.recorded.v1),
-- a projection table (filled from the events; the projection's generation rises
-- to 4, so reporting rebuilds by itself at start).
-- evaluation_sheets: signed-off evaluation sheets per period — one row per cadre
-- and per department with service, duty, appraisal, inspection and composite —
-- frozen like frozen_reports (kept by a rebuild): reading one recomputes it with
-- the same composite definitions and shows any difference as an amendment.

-- Up Migration
CREATE TABLE inspection_facts (
  event_id               uuid PRIMARY KEY REFERENCES processed_events (event_id),
  cadre_code             text NOT NULL,
  department_code        text,
  inspected_on           date NOT NULL,
  listen_score           integer NOT NULL,
  look_score             integer NOT NULL,
  check_score            integer NOT NULL,
  score                  integer NOT NULL,
  grade                  text NOT NULL,
  ledger_records         integer NOT NULL,
  diary_entries          integer NOT NULL,
  households_checked     integer NOT NULL
);
CREATE INDEX inspection_facts_date_idx ON inspection_facts (inspected_on, cadre_code);

CREATE TABLE evaluation_sheets (
  id                          uuid PRIMARY KEY,
  period                      text NOT NULL,
  composite_version           text NOT NULL,
  figure_definitions_version  text NOT NULL,
  sheet                       jsonb NOT NULL,
  note                        text NOT NULL,
  signed_by                   text NOT NULL,
  signed_at                   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX evaluation_sheets_period_idx ON evaluation_sheets (period, signed_at DESC);

-- Down Migration
DROP TABLE evaluation_sheets;
DROP TABLE inspection_facts;
