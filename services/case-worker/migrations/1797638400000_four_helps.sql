-- 四帮四促 (issue 13): the four helps as tags on cases and work records
-- (codes in shared/src/domain/four-helps.ts). A case's tags are kept as
-- revisions: every change is a new row with who and when (the tags given at
-- intake are revision 1), the latest revision is the case's tags now. Written
-- with its event (case.opened, or case.helps_tagged) in one transaction by
-- the casework module; the case API reads.

-- Up Migration
CREATE TABLE case_helps (
  change_id  uuid PRIMARY KEY,
  case_id    uuid NOT NULL REFERENCES cases (id),
  revision   integer NOT NULL CHECK (revision >= 1),
  helps      text[] NOT NULL CHECK (helps <@ ARRAY['policy_understanding', 'development_ideas', 'practical_problems', 'dispute_resolution']::text[]),
  actor      text,
  actor_role text,
  at         timestamptz NOT NULL,
  UNIQUE (case_id, revision)
);

ALTER TABLE work_records ADD COLUMN helps text[] NOT NULL DEFAULT '{}'::text[]
  CHECK (helps <@ ARRAY['policy_understanding', 'development_ideas', 'practical_problems', 'dispute_resolution']::text[]);

-- Down Migration
ALTER TABLE work_records DROP COLUMN helps;
DROP TABLE case_helps;
