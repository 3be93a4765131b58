-- The 三联 roster (schema "directory"): areas and their leader, villages and
-- communities linked to a department, cadres linked to households, service
-- points and market-day sessions, and category routing rules.
-- Foreign keys are deferrable so a whole roster can be imported in one transaction.

-- Up Migration
CREATE TABLE departments (
  code       text PRIMARY KEY,
  name       text NOT NULL,
  head_code  text
);

CREATE TABLE areas (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  leader_code  text
);

CREATE TABLE villages (
  code             text PRIMARY KEY,
  name             text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('gachaa', 'community')),
  area_code        text NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
  department_code  text NOT NULL REFERENCES departments (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE cadres (
  code             text PRIMARY KEY,
  name             text NOT NULL,
  role             text NOT NULL,
  department_code  text REFERENCES departments (code) DEFERRABLE INITIALLY DEFERRED,
  phone            text
);
CREATE INDEX cadres_department_idx ON cadres (department_code);

ALTER TABLE departments ADD FOREIGN KEY (head_code) REFERENCES cadres (code) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE areas ADD FOREIGN KEY (leader_code) REFERENCES cadres (code) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE households (
  code          text PRIMARY KEY,
  village_code  text NOT NULL REFERENCES villages (code) DEFERRABLE INITIALLY DEFERRED,
  head_name     text NOT NULL,
  phone         text,
  id_tail       text,
  address       text,
  members       integer NOT NULL CHECK (members > 0),
  is_key        boolean NOT NULL DEFAULT false,
  is_vulnerable boolean NOT NULL DEFAULT false,
  cadre_code    text REFERENCES cadres (code) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX households_village_idx ON households (village_code);
CREATE INDEX households_cadre_idx ON households (cadre_code);
CREATE INDEX households_head_name_idx ON households (head_name);
CREATE INDEX households_phone_idx ON households (phone);
CREATE INDEX households_id_tail_idx ON households (id_tail);

CREATE TABLE service_points (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('hall', 'social_hall', 'station')),
  village_code  text REFERENCES villages (code) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE sessions (
  code          text PRIMARY KEY,
  name          text NOT NULL,
  village_code  text NOT NULL REFERENCES villages (code) DEFERRABLE INITIALLY DEFERRED,
  weekday       integer NOT NULL CHECK (weekday BETWEEN 1 AND 7),
  start_time    text NOT NULL,
  end_time      text NOT NULL
);

CREATE TABLE session_duty (
  session_code  text NOT NULL REFERENCES sessions (code) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  cadre_code    text NOT NULL REFERENCES cadres (code) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (session_code, cadre_code)
);

CREATE TABLE routing_rules (
  category         text PRIMARY KEY,
  department_code  text NOT NULL REFERENCES departments (code) DEFERRABLE INITIALLY DEFERRED,
  reason           text NOT NULL
);

-- Down Migration
DROP TABLE routing_rules;
DROP TABLE session_duty;
DROP TABLE sessions;
DROP TABLE service_points;
DROP TABLE households;
ALTER TABLE areas DROP CONSTRAINT IF EXISTS areas_leader_code_fkey;
ALTER TABLE departments DROP CONSTRAINT IF EXISTS departments_head_code_fkey;
DROP TABLE cadres;
DROP TABLE villages;
DROP TABLE areas;
DROP TABLE departments;
