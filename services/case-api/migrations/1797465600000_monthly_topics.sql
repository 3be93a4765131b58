-- This month's topic (每月一题), schema "directory" (the case API's): the hot
-- topic the township takes up for a month, with its history. Each decision is a
-- revision of its month; the newest revision is the month's topic, so a month
-- has at most one at a time. A change is a new revision with the reason for it;
-- revisions are never changed or deleted (a trigger refuses it), so the history
-- keeps who took up what, when, and why it was changed. A revision keeps the
-- topic as it was then (keywords, category, villages, its cases), since the
-- month's topics move as cases come in. Codes and staff text only: no resident's
-- name, phone or address. shared/src/domain/hot-topics.ts holds the rules.

-- Up Migration

CREATE TABLE monthly_topics (
  month           text NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  revision        integer NOT NULL CHECK (revision > 0),
  topic_id        text NOT NULL,
  category        text NOT NULL,
  keywords        text[] NOT NULL,
  village_codes   text[] NOT NULL,
  case_ids        uuid[] NOT NULL,
  household_count integer NOT NULL CHECK (household_count >= 0),
  note            text NOT NULL,
  -- why the month's topic was changed to this one: every revision after the first has one
  reason          text,
  -- the signed-in user who took it up: user name, display name and role at the time
  taken_by        text NOT NULL,
  taken_by_name   text NOT NULL,
  taken_by_role   text NOT NULL,
  taken_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (month, revision),
  CHECK (revision = 1 OR reason IS NOT NULL)
);

CREATE FUNCTION monthly_topics_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'directory.monthly_topics keeps every decision: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER monthly_topics_kept BEFORE UPDATE OR DELETE ON monthly_topics
  FOR EACH ROW EXECUTE FUNCTION monthly_topics_kept();

-- Down Migration

DROP TABLE monthly_topics;
DROP FUNCTION monthly_topics_kept();
