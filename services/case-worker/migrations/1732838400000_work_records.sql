-- Cadres' own records of grassroots work (履职): household visits, diary
-- entries (民情日记), household file updates. Duty figures come from these,
-- never from location tracking. Written with their outbox event in one
-- transaction; work events are keyed by the cadre, not a case.

-- Up Migration
CREATE TABLE work_records (
  id              uuid PRIMARY KEY,
  cadre_code      text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('visit', 'diary', 'household_file')),
  work_date       date NOT NULL,
  household_code  text,
  village_code    text,
  case_id         uuid,
  role            text,
  note            text NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX work_records_cadre_idx ON work_records (cadre_code, work_date);

ALTER TABLE outbox ALTER COLUMN case_id DROP NOT NULL;

-- Down Migration
DELETE FROM outbox WHERE case_id IS NULL;
ALTER TABLE outbox ALTER COLUMN case_id SET NOT NULL;
DROP TABLE work_records;
