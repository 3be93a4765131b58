/**
 * What operators must act on: an activity that failed for good (a permanent data
 * error no retry can fix). The case-worker records it in casework.activity_failures;
 * the case API lists it (GET /api/v1/operations/failures). No personal data.
 */
export interface ActivityFailure {
  workflowId: string;
  workflowType: string;
  activityType: string;
  attempt: number;
  /** PostgreSQL SQLSTATE of the refusal */
  sqlstate: string;
  /** the database's message, quoted values blanked */
  message: string;
}
