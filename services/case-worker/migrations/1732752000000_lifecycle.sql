-- The lifecycle read model: who has the case, which clock runs, how late it is.
-- Written only by the worker's transition activity, together with the timeline
-- entry and the outbox row (one transaction per move).

-- Up Migration
ALTER TABLE cases
  ADD COLUMN assignee_code        text,
  ADD COLUMN department_code      text,
  ADD COLUMN area_code            text,
  ADD COLUMN routing_rule         text,
  ADD COLUMN routing_reason       text,
  ADD COLUMN escalate_l1_code     text,
  ADD COLUMN escalate_l2_code     text,
  ADD COLUMN escalate_l3_code     text,
  ADD COLUMN escalation_level     integer NOT NULL DEFAULT 0,
  ADD COLUMN phase                text,
  ADD COLUMN phase_started_at     timestamptz,
  ADD COLUMN due_at               timestamptz,
  ADD COLUMN paused               boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_policy_version   text,
  ADD COLUMN accepted_at          timestamptz,
  ADD COLUMN resolved_at          timestamptz,
  ADD COLUMN followed_up_at       timestamptz,
  ADD COLUMN closed_at            timestamptz,
  ADD COLUMN satisfaction         text,
  ADD COLUMN resolution_reply     text,
  ADD COLUMN returns_count        integer NOT NULL DEFAULT 0,
  ADD COLUMN reopen_count         integer NOT NULL DEFAULT 0,
  ADD COLUMN merged_into          uuid,
  ADD COLUMN pending_extension    jsonb,
  ADD COLUMN dedupe_hash          text;

CREATE INDEX cases_assignee_idx ON cases (assignee_code, status) WHERE closed_at IS NULL;
CREATE INDEX cases_department_idx ON cases (department_code, status);
CREATE INDEX cases_area_idx ON cases (area_code, status);
CREATE INDEX cases_village_idx ON cases (village_code, status);
CREATE INDEX cases_queue_idx ON cases (escalation_level DESC, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX cases_dedupe_idx ON cases (dedupe_hash, opened_at DESC) WHERE dedupe_hash IS NOT NULL;

-- Down Migration
DROP INDEX cases_dedupe_idx;
DROP INDEX cases_queue_idx;
DROP INDEX cases_village_idx;
DROP INDEX cases_area_idx;
DROP INDEX cases_department_idx;
DROP INDEX cases_assignee_idx;
ALTER TABLE cases
  DROP COLUMN assignee_code, DROP COLUMN department_code, DROP COLUMN area_code, DROP COLUMN routing_rule,
  DROP COLUMN routing_reason, DROP COLUMN escalate_l1_code, DROP COLUMN escalate_l2_code, DROP COLUMN escalate_l3_code,
  DROP COLUMN escalation_level, DROP COLUMN phase, DROP COLUMN phase_started_at, DROP COLUMN due_at, DROP COLUMN paused,
  DROP COLUMN sla_policy_version, DROP COLUMN accepted_at, DROP COLUMN resolved_at, DROP COLUMN followed_up_at,
  DROP COLUMN closed_at, DROP COLUMN satisfaction, DROP COLUMN resolution_reply, DROP COLUMN returns_count,
  DROP COLUMN reopen_count, DROP COLUMN merged_into, DROP COLUMN pending_extension, DROP COLUMN dedupe_hash;
