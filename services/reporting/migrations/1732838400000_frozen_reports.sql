-- Signed-off reports: a snapshot of the figures for a period that later events
-- do not change. Reading one recomputes the figures and shows any difference as
-- a visible amendment.

-- Up Migration
CREATE TABLE frozen_reports (
  id                   uuid PRIMARY KEY,
  group_by             text NOT NULL,
  period_from          timestamptz,
  period_to            timestamptz,
  category             text,
  definitions_version  text NOT NULL,
  groups               jsonb NOT NULL,
  note                 text NOT NULL,
  signed_by            text NOT NULL,
  frozen_at            timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE frozen_reports;
