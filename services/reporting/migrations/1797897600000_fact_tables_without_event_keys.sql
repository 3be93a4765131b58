-- Fact tables no longer reference processed_events, and processed_events has
-- no index by case. The facts of an event and its id are written together, in
-- one transaction, by the one writer of the projection (ReportRepository.apply:
-- only ids it has just recorded are folded), and the projection can always be
-- rebuilt from the topic; the later fact tables (attendance, plans) never had
-- such a key. No query of the product reads processed_events by case. Checking
-- the keys and keeping the index cost PostgreSQL about a fifth of its work per
-- event applied (the reporting bench), on every event, for nothing a reader sees.

-- Up Migration
ALTER TABLE case_facts DROP CONSTRAINT case_facts_opened_event_id_fkey;
ALTER TABLE escalations DROP CONSTRAINT escalations_event_id_fkey;
ALTER TABLE work_facts DROP CONSTRAINT work_facts_event_id_fkey;
ALTER TABLE callbacks DROP CONSTRAINT callbacks_event_id_fkey;
ALTER TABLE resolutions DROP CONSTRAINT resolutions_event_id_fkey;
ALTER TABLE inspection_facts DROP CONSTRAINT inspection_facts_event_id_fkey;
DROP INDEX processed_events_case_idx;

-- Down Migration
CREATE INDEX processed_events_case_idx ON processed_events (case_id);
ALTER TABLE inspection_facts ADD CONSTRAINT inspection_facts_event_id_fkey FOREIGN KEY (event_id) REFERENCES processed_events (event_id);
ALTER TABLE resolutions ADD CONSTRAINT resolutions_event_id_fkey FOREIGN KEY (event_id) REFERENCES processed_events (event_id);
ALTER TABLE callbacks ADD CONSTRAINT callbacks_event_id_fkey FOREIGN KEY (event_id) REFERENCES processed_events (event_id);
ALTER TABLE work_facts ADD CONSTRAINT work_facts_event_id_fkey FOREIGN KEY (event_id) REFERENCES processed_events (event_id);
ALTER TABLE escalations ADD CONSTRAINT escalations_event_id_fkey FOREIGN KEY (event_id) REFERENCES processed_events (event_id);
ALTER TABLE case_facts ADD CONSTRAINT case_facts_opened_event_id_fkey FOREIGN KEY (opened_event_id) REFERENCES processed_events (event_id);
