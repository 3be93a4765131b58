-- Activities that failed for good: a permanent data error (PostgreSQL SQLSTATE
-- class 22, or a not-null / check violation) that no retry can fix. The worker
-- records each here instead of retrying forever, and the case API lists them
-- for administrators (GET /api/v1/operations/failures). No personal data: the
-- workflow id (a case id or `work-record:<id>`), the activity, the SQLSTATE and
-- the database's message with every quoted value blanked.

-- Up Migration
CREATE TABLE activity_failures (
  id             bigserial PRIMARY KEY,
  workflow_id    text NOT NULL,
  workflow_type  text NOT NULL,
  activity_type  text NOT NULL,
  attempt        integer NOT NULL,
  sqlstate       text NOT NULL,
  message        text NOT NULL,
  failed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activity_failures_failed_at_idx ON activity_failures (failed_at DESC);

-- Down Migration
DROP TABLE activity_failures;
