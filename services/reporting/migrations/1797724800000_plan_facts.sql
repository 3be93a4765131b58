-- Plans (issue 13): every revision of a plan item (org.minqing.plan.item_changed.v1)
-- as the item stood after it — the area (片区) work plans and the departments'
-- annual service plans. The figures read each item's latest revision: items
-- due in a period, done on time, done late, overdue, per area or department, and
-- an owner's done items in their duty line. A projection table (filled from the
-- events; the generation rose to 4 with issue 13's other facts).

-- Up Migration
CREATE TABLE plan_facts (
  event_id               uuid PRIMARY KEY,
  plan_id                uuid NOT NULL,
  plan_kind              text NOT NULL,
  plan_year              integer NOT NULL,
  area_code              text,
  department_code        text,
  item_id                uuid NOT NULL,
  revision               integer NOT NULL,
  owner_code             text NOT NULL,
  owner_department_code  text,
  due_date               date NOT NULL,
  status                 text NOT NULL,
  done_on                date,
  at                     timestamptz NOT NULL,
  UNIQUE (item_id, revision)
);
CREATE INDEX plan_facts_due_idx ON plan_facts (due_date);
CREATE INDEX plan_facts_owner_idx ON plan_facts (owner_code, done_on);

-- Down Migration
DROP TABLE plan_facts;
