-- The six roles' work (六个角色, issue 13): every kind of the table of kinds
-- (shared/src/domain/work-kinds.ts) may be recorded, each with its own fields
-- (participants, place, materials, holiday, …) in `details`. The role of a
-- record is its kind's: the records made before the roles were first-class
-- (visits, diary entries, household files — all 调查员 work in the table) take
-- it now, whatever free tag they carried. The list of kinds below must equal the
-- table (tests/contract/work-kinds.test.ts).

-- Up Migration
ALTER TABLE work_records DROP CONSTRAINT work_records_kind_check;
ALTER TABLE work_records ADD CONSTRAINT work_records_kind_check CHECK (kind IN (
  'visit', 'survey', 'household_file', 'diary', 'training', 'door_to_door', 'leaflets', 'development_guidance',
  'proxy_service', 'holiday_visit', 'civility_persuasion', 'cleanup_day', 'mediation'
));
ALTER TABLE work_records ADD COLUMN details jsonb NOT NULL DEFAULT '{}'::jsonb;
UPDATE work_records SET role = 'investigator' WHERE kind IN ('visit', 'diary', 'household_file');

-- Down Migration
DELETE FROM work_records WHERE kind NOT IN ('visit', 'diary', 'household_file');
ALTER TABLE work_records DROP COLUMN details;
ALTER TABLE work_records DROP CONSTRAINT work_records_kind_check;
ALTER TABLE work_records ADD CONSTRAINT work_records_kind_check CHECK (kind IN ('visit', 'diary', 'household_file'));
