/**
 * The database schemas of the case API: the one it owns and migrates, and the
 * one it only reads. Each schema has one owner that migrates it.
 */

/**
 * `directory` (the 三联 roster, accounts and sessions) is this service's: it
 * alone migrates it, from services/case-api/migrations. The case-worker reads it
 * for routing and does not wait for it (its routing activity retries until it is there).
 */
export const DIRECTORY_SCHEMA = 'directory';
export const DIRECTORY_MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

/**
 * The `casework` relations this service reads (the read model, the timeline,
 * work records): the case-worker owns and migrates them; /readyz waits for them.
 */
export const CASEWORK_READ_RELATIONS = ['casework.cases', 'casework.case_timeline', 'casework.work_records', 'casework.session_attendance', 'casework.activity_failures', 'casework.notification_deliveries', 'casework.staff_notifications', 'casework.inspections', 'casework.case_helps'];
