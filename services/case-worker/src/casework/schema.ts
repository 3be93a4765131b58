/**
 * The `casework` schema is this service's: it alone migrates it, from
 * services/case-worker/migrations. The case API reads its tables and waits for
 * them at start (its /readyz says so) instead of migrating them itself.
 */
export const CASEWORK_SCHEMA = 'casework';
export const CASEWORK_MIGRATIONS_DIR = new URL('../../migrations', import.meta.url).pathname;
