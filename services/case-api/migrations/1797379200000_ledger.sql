-- The public-condition ledger (民情台帐 / 民情档案), schema "directory" (the case
-- API's): one record per household and per village, each with its whole
-- history. A save writes a new version (the whole record, what changed, who and
-- when) and moves the current row to it in one transaction; versions are never
-- changed (a trigger refuses UPDATE). The records are residents' personal data:
-- they stay here, never on events, in URLs or in logs.
-- shared/src/domain/ledger.ts holds the record's shape and rules.

-- Up Migration

CREATE TABLE household_ledgers (
  household_code text PRIMARY KEY REFERENCES households (code) DEFERRABLE INITIALLY DEFERRED,
  version        integer NOT NULL CHECK (version > 0),
  data           jsonb NOT NULL,
  updated_at     timestamptz NOT NULL,
  updated_by     text NOT NULL
);

CREATE TABLE household_ledger_versions (
  household_code   text NOT NULL REFERENCES households (code) DEFERRABLE INITIALLY DEFERRED,
  version          integer NOT NULL CHECK (version > 0),
  data             jsonb NOT NULL,
  -- the field paths this version changed (e.g. difficulties.note): codes, for the audit trail and the work record
  changed_fields   text[] NOT NULL,
  change_note      text NOT NULL DEFAULT '',
  changed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the signed-in user who saved it: user name, display name and role at the time, roster code
  changed_by       text NOT NULL,
  changed_by_name  text NOT NULL,
  changed_by_role  text NOT NULL,
  changed_by_cadre text,
  PRIMARY KEY (household_code, version)
);

-- A cadre's save of a household record is their work record (履职: 档案更新, kind
-- household_file), logged through the work-record path with an idempotency key
-- per version. Pending until the worker has stored it; retried until then.
CREATE TABLE household_ledger_work (
  household_code text NOT NULL,
  version        integer NOT NULL,
  cadre_code     text NOT NULL,
  work_date      date NOT NULL,
  note           text NOT NULL,
  record_id      uuid,
  logged_at      timestamptz,
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (household_code, version),
  FOREIGN KEY (household_code, version) REFERENCES household_ledger_versions (household_code, version)
);
CREATE INDEX household_ledger_work_pending_idx ON household_ledger_work (created_at) WHERE record_id IS NULL;

CREATE TABLE village_ledgers (
  village_code text PRIMARY KEY REFERENCES villages (code) DEFERRABLE INITIALLY DEFERRED,
  version      integer NOT NULL CHECK (version > 0),
  data         jsonb NOT NULL,
  updated_at   timestamptz NOT NULL,
  updated_by   text NOT NULL
);

CREATE TABLE village_ledger_versions (
  village_code     text NOT NULL REFERENCES villages (code) DEFERRABLE INITIALLY DEFERRED,
  version          integer NOT NULL CHECK (version > 0),
  data             jsonb NOT NULL,
  changed_fields   text[] NOT NULL,
  change_note      text NOT NULL DEFAULT '',
  changed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  changed_by       text NOT NULL,
  changed_by_name  text NOT NULL,
  changed_by_role  text NOT NULL,
  changed_by_cadre text,
  PRIMARY KEY (village_code, version)
);

-- History is not rewritten: a version, once saved, stays as it was.
CREATE FUNCTION ledger_versions_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'directory.% keeps every version as saved: UPDATE is not allowed', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER household_ledger_versions_unchanged BEFORE UPDATE ON household_ledger_versions
  FOR EACH ROW EXECUTE FUNCTION ledger_versions_unchanged();
CREATE TRIGGER village_ledger_versions_unchanged BEFORE UPDATE ON village_ledger_versions
  FOR EACH ROW EXECUTE FUNCTION ledger_versions_unchanged();

-- Down Migration

DROP TABLE village_ledger_versions;
DROP TABLE village_ledgers;
DROP TABLE household_ledger_work;
DROP TABLE household_ledger_versions;
DROP TABLE household_ledgers;
DROP FUNCTION ledger_versions_unchanged();
