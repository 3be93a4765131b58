-- Published SLA policies (issue 11), schema "directory" (the case API's): new
-- cases start under the newest version; each running case keeps the copy it
-- started with (it travels in the case workflow's input), so publishing never
-- moves a running case's deadlines nor changes a recorded history. Versions are
-- kept, never changed or deleted. No row: the built-in DEFAULT_SLA_POLICY.

-- Up Migration

CREATE TABLE sla_policies (
  version      text PRIMARY KEY,
  policy       jsonb NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by text NOT NULL,
  seq          bigserial UNIQUE
);

-- Down Migration

DROP TABLE sla_policies;
