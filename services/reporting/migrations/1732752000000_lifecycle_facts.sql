-- Lifecycle facts per case, projected from the case events (one row per case,
-- updated by each event in the same transaction that records the event id).
-- Every figure is computed from these columns, so each figure can list the
-- cases behind it.

-- Up Migration
ALTER TABLE case_facts
  ADD COLUMN status               text NOT NULL DEFAULT 'submitted',
  ADD COLUMN assignee_code        text,
  ADD COLUMN department_code      text,
  ADD COLUMN area_code            text,
  ADD COLUMN routed_at            timestamptz,
  ADD COLUMN accepted_at          timestamptz,
  ADD COLUMN accepted_on_time     boolean,
  ADD COLUMN minutes_to_accept    integer,
  ADD COLUMN resolved_at          timestamptz,
  ADD COLUMN resolved_on_time     boolean,
  ADD COLUMN minutes_to_resolve   integer,
  ADD COLUMN followed_up_at       timestamptz,
  ADD COLUMN satisfaction         text,
  ADD COLUMN closed_at            timestamptz,
  ADD COLUMN returns              integer NOT NULL DEFAULT 0,
  ADD COLUMN reopens              integer NOT NULL DEFAULT 0,
  ADD COLUMN max_escalation_level integer NOT NULL DEFAULT 0,
  ADD COLUMN last_seq             integer NOT NULL DEFAULT 1;

-- Escalations, one row per event, so "escalations by level" can be counted per period.
CREATE TABLE escalations (
  event_id      uuid PRIMARY KEY REFERENCES processed_events (event_id),
  case_id       uuid NOT NULL,
  level         integer NOT NULL,
  phase         text NOT NULL,
  at            timestamptz NOT NULL,
  department_code text,
  area_code     text,
  assignee_code text
);
CREATE INDEX escalations_case_idx ON escalations (case_id);

-- Down Migration
DROP TABLE escalations;
ALTER TABLE case_facts
  DROP COLUMN status, DROP COLUMN assignee_code, DROP COLUMN department_code, DROP COLUMN area_code, DROP COLUMN routed_at,
  DROP COLUMN accepted_at, DROP COLUMN accepted_on_time, DROP COLUMN minutes_to_accept, DROP COLUMN resolved_at,
  DROP COLUMN resolved_on_time, DROP COLUMN minutes_to_resolve, DROP COLUMN followed_up_at, DROP COLUMN satisfaction,
  DROP COLUMN closed_at, DROP COLUMN returns, DROP COLUMN reopens, DROP COLUMN max_escalation_level, DROP COLUMN last_seq;
