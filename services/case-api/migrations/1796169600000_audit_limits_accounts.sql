-- Issue 15 (schema "directory", owned by the case API): the audit trail, the
-- shared limiter counters, and account hygiene (forced password change).

-- Up Migration

-- An initial or administrator-set password must be changed at the next sign-in;
-- until then the session may only change its password (see auth.hook.ts).
ALTER TABLE accounts ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE accounts ADD COLUMN disabled_at timestamptz;

-- Who did what, when, from where. Append-only: rows are never changed or
-- removed (the trigger refuses UPDATE, DELETE and TRUNCATE for every role,
-- the owner included). Entries carry codes (user names, staff codes, case ids,
-- household codes), never residents' names, phones, ID tails or addresses.
CREATE TABLE audit_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the signed-in user name; for a failed sign-in the name that was tried; 'resident' on the tracking page
  actor       text NOT NULL,
  actor_role  text,
  action      text NOT NULL,
  outcome     text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
  subject_type text,
  subject     text,
  client_ip   text,
  user_agent  text,
  request_id  text,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_at_idx ON audit_events (at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
CREATE INDEX audit_events_subject_idx ON audit_events (subject, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'directory.audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM CURRENT_USER;

-- Limiter window counters shared by every API process (sign-in, tracking page):
-- one row per key, counted with an atomic upsert; a window starts at its first hit.
CREATE TABLE limiter_counters (
  key          text PRIMARY KEY,
  hits         integer NOT NULL,
  window_ends  timestamptz NOT NULL
);
CREATE INDEX limiter_counters_window_idx ON limiter_counters (window_ends);

-- Down Migration
DROP TABLE limiter_counters;
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
ALTER TABLE accounts DROP COLUMN disabled_at;
ALTER TABLE accounts DROP COLUMN must_change_password;
