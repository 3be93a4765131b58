-- A resident without a phone (issue 11): six households in the roster have none,
-- and a case is opened for them all the same. No SMS then; the receipt is their record.

-- Up Migration
ALTER TABLE cases ALTER COLUMN resident_phone DROP NOT NULL;

-- Down Migration
UPDATE cases SET resident_phone = '' WHERE resident_phone IS NULL;
ALTER TABLE cases ALTER COLUMN resident_phone SET NOT NULL;
