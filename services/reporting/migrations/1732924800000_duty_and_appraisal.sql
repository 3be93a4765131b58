-- Duty performance (履职) from cadres' work records, and democratic appraisal
-- (民主评议) scores entered by the assessment group.

-- Up Migration
CREATE TABLE work_facts (
  event_id         uuid PRIMARY KEY REFERENCES processed_events (event_id),
  cadre_code       text NOT NULL,
  department_code  text,
  village_code     text,
  kind             text NOT NULL,
  work_date        date NOT NULL,
  household_code   text,
  linked_household boolean,
  key_household    boolean
);
CREATE INDEX work_facts_cadre_idx ON work_facts (cadre_code, work_date);

CREATE TABLE appraisals (
  period           text NOT NULL,
  subject_type     text NOT NULL CHECK (subject_type IN ('cadre', 'department')),
  subject_code     text NOT NULL,
  appraiser_group  text NOT NULL,
  score            numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
  entered_by       text NOT NULL,
  entered_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (period, subject_type, subject_code, appraiser_group)
);

-- Down Migration
DROP TABLE appraisals;
DROP TABLE work_facts;
