-- Notifications (issue 14), schema "casework": the notifier in the case-worker
-- turns case events into deliveries — one row per (event, recipient, channel),
-- the unique key that makes a redelivered event a no-op — and works them off:
-- retried with exponential backoff, held by quiet hours, dead-lettered after the
-- last attempt. No personal data here: recipients are `resident` or a staff
-- code; the resident's phone and e-mail are read from cases when a message goes out.

-- Up Migration
ALTER TABLE cases
  ADD COLUMN resident_email    text,
  ADD COLUMN resident_language text;

CREATE TABLE notification_deliveries (
  id               bigserial PRIMARY KEY,
  event_id         uuid NOT NULL,
  event_type       text NOT NULL,
  case_id          uuid,
  -- 'resident', or 'staff:<cadre code>'
  recipient        text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('sms', 'email', 'inapp')),
  code             text NOT NULL,
  params           jsonb NOT NULL DEFAULT '{}'::jsonb,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead', 'suppressed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- the last time quiet hours held it back (null: never)
  deferred_at      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  finished_at      timestamptz,
  UNIQUE (event_id, recipient, channel)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_deliveries_status_idx ON notification_deliveries (status, id DESC);

-- The console's in-app notifications for staff: written by the in-app channel,
-- one per delivery; read marks live with the accounts (schema "directory").
CREATE TABLE staff_notifications (
  id           bigserial PRIMARY KEY,
  delivery_id  bigint NOT NULL UNIQUE REFERENCES notification_deliveries (id),
  staff_code   text NOT NULL,
  case_id      uuid,
  code         text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_notifications_staff_idx ON staff_notifications (staff_code, id DESC);

-- Down Migration
DROP TABLE staff_notifications;
DROP TABLE notification_deliveries;
ALTER TABLE cases DROP COLUMN resident_language, DROP COLUMN resident_email;
