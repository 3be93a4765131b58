-- Plans (issue 13), schema "directory" (the case API's): each area leader's 片区
-- work plan (one per area per year) and each department's annual service plan
-- (one per department per year), their items with owner, due date and status,
-- and every revision of an item (who changed what, when) — never changed or
-- deleted (a trigger refuses it). Each revision is also an event
-- (org.minqing.plan.item_changed.v1), handed to the case worker's outbox through
-- planItemWorkflow; `event_started_at` says the hand-over was made (NULL: the
-- API retries it). shared/src/domain/plans.ts holds the rules. Staff text only:
-- no resident's name, phone or address.

-- Up Migration

CREATE TABLE plans (
  id              uuid PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('area', 'department')),
  year            integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  area_code       text REFERENCES areas (code),
  department_code text REFERENCES departments (code),
  title           text NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((kind = 'area' AND area_code IS NOT NULL AND department_code IS NULL)
      OR (kind = 'department' AND department_code IS NOT NULL AND area_code IS NULL))
);
CREATE UNIQUE INDEX plans_area_year_idx ON plans (year, area_code) WHERE kind = 'area';
CREATE UNIQUE INDEX plans_department_year_idx ON plans (year, department_code) WHERE kind = 'department';

CREATE TABLE plan_items (
  id             uuid PRIMARY KEY,
  plan_id        uuid NOT NULL REFERENCES plans (id),
  title          text NOT NULL,
  village_codes  text[] NOT NULL DEFAULT '{}',
  owner_code     text NOT NULL REFERENCES cadres (code),
  due_date       date NOT NULL,
  status         text NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
  done_on        date,
  drop_reason    text,
  last_note      text,
  revision       integer NOT NULL CHECK (revision > 0),
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((status = 'done') = (done_on IS NOT NULL)),
  CHECK (status <> 'dropped' OR drop_reason IS NOT NULL)
);
CREATE INDEX plan_items_plan_idx ON plan_items (plan_id, due_date, id);
CREATE INDEX plan_items_owner_idx ON plan_items (owner_code);

CREATE TABLE plan_item_revisions (
  item_id          uuid NOT NULL REFERENCES plan_items (id),
  revision         integer NOT NULL CHECK (revision > 0),
  change           text NOT NULL CHECK (change IN ('created', 'edited', 'progress')),
  status           text NOT NULL,
  previous_status  text,
  title            text NOT NULL,
  village_codes    text[] NOT NULL,
  owner_code       text NOT NULL,
  due_date         date NOT NULL,
  note             text,
  -- the signed-in user: user name, display name and role at the time, and their roster code
  by_username      text NOT NULL,
  by_name          text NOT NULL,
  by_role          text NOT NULL,
  by_cadre_code    text,
  at               timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the event of this revision (org.minqing.plan.item_changed.v1), as handed to planItemWorkflow
  event            jsonb NOT NULL,
  PRIMARY KEY (item_id, revision)
);

-- Whether each revision's event was handed to the case worker: kept apart, so revisions stay unchangeable.
CREATE TABLE plan_item_events_started (
  item_id     uuid NOT NULL,
  revision    integer NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (item_id, revision),
  FOREIGN KEY (item_id, revision) REFERENCES plan_item_revisions (item_id, revision)
);

CREATE FUNCTION plan_item_revisions_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'directory.plan_item_revisions keeps every revision: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER plan_item_revisions_kept BEFORE UPDATE OR DELETE ON plan_item_revisions
  FOR EACH ROW EXECUTE FUNCTION plan_item_revisions_kept();

-- Down Migration

DROP TABLE plan_item_events_started;
DROP TABLE plan_item_revisions;
DROP FUNCTION plan_item_revisions_kept();
DROP TABLE plan_items;
DROP TABLE plans;
