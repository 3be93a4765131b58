-- The six roles' work (六个角色, issue 13): each work fact carries its role (the
-- role of its kind in shared/src/domain/work-kinds.ts), so duty figures count
-- per role and per kind. Filled from the events: the projection's generation
-- rises to 3, and reporting rebuilds by itself at start to give the facts
-- projected before their role.

-- Up Migration
ALTER TABLE work_facts ADD COLUMN role text;
CREATE INDEX work_facts_date_idx ON work_facts (work_date, cadre_code);

-- Down Migration
DROP INDEX work_facts_date_idx;
ALTER TABLE work_facts DROP COLUMN role;
