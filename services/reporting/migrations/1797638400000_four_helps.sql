-- 四帮四促 (issue 13): a case's tags now and their revision, and a work
-- record's tags, as comma-joined codes in the plan's order (shared
-- four-helps.ts helpsText; NULL = none). Filled from the events (case.opened,
-- case.helps_tagged, the work events): the projection's generation 4 rebuilds
-- them at start.

-- Up Migration
ALTER TABLE case_facts ADD COLUMN helps text;
ALTER TABLE case_facts ADD COLUMN helps_revision integer NOT NULL DEFAULT 0;
ALTER TABLE work_facts ADD COLUMN helps text;

-- Down Migration
ALTER TABLE work_facts DROP COLUMN helps;
ALTER TABLE case_facts DROP COLUMN helps_revision;
ALTER TABLE case_facts DROP COLUMN helps;
