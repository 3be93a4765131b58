-- Notifications (issue 14), schema "directory" (the case API's): what people
-- decide about notifications. The notifier (case-worker) reads these; it writes
-- only its own schema (casework.notification_deliveries, staff_notifications).

-- Up Migration

-- Residents who asked not to be notified about a case (on the tracking page,
-- or recorded by hall staff). Keyed by case id: no phone or e-mail here.
CREATE TABLE notification_opt_outs (
  case_id      uuid PRIMARY KEY,
  opted_out_at timestamptz NOT NULL DEFAULT now(),
  -- 'resident' (tracking page) or the staff user name who recorded it
  recorded_by  text NOT NULL
);

-- Which in-app notifications a staff member has read (casework.staff_notifications ids).
CREATE TABLE notification_reads (
  username         text NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
  notification_id  bigint NOT NULL,
  read_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (username, notification_id)
);

-- Quiet hours for residents' SMS and e-mail, set by administrators; no row:
-- the notifier's NOTIFY_QUIET_HOURS (default 21:00-08:00). One row at most.
CREATE TABLE notification_settings (
  singleton    boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  quiet_start  text,
  quiet_end    text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL,
  CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

-- Down Migration
DROP TABLE notification_settings;
DROP TABLE notification_reads;
DROP TABLE notification_opt_outs;
