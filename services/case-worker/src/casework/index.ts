/**
 * The casework data module: the only code that writes the `casework` schema
 * (cases, timeline, work records, outbox), which this service owns and
 * migrates (migrations/ next to src/). Each write is one transaction: the row,
 * its timeline entry where there is one, and its event through the one outbox
 * writer (./outbox). The case API only reads these tables.
 */
import { inTransaction, type CaseHelpsInput, type CaseWorkflowInput, type InspectionInput, type PlanItemEventInput, type Pool, type SessionAttendanceInput, type WorkRecordInput } from '@minqing/shared';
import type { TransitionRecord } from '@minqing/workflows';
import { applyTransition, insertOpenedCase } from './case.writer';
import type { OutboxTarget } from './outbox';
import { insertWorkRecord } from './work-record.writer';
import { insertInspection } from './inspection.writer';
import { insertSessionAttendance } from './attendance.writer';
import { insertCaseHelps, type CaseHelpsOutcome } from './case-helps.writer';
import { insertPlanItemEvent } from './plan.writer';
import { insertActivityFailure, type ActivityFailureRecord } from './failure.writer';

export { CASEWORK_MIGRATIONS_DIR, CASEWORK_SCHEMA } from './schema';
export { OutboxRelay, type OutboxLag } from './outbox-relay';
export type { OutboxTarget } from './outbox';
export { permanentDataError, type ActivityFailureRecord } from './failure.writer';

export class Casework {
  constructor(private readonly deps: { pool: Pool } & OutboxTarget) {}

  private get target(): OutboxTarget {
    return { source: this.deps.source, topic: this.deps.topic, schemaBaseUrl: this.deps.schemaBaseUrl };
  }

  /** The new case, its first timeline entry and `case.opened`; false when an earlier attempt wrote them. */
  recordCaseOpened(input: CaseWorkflowInput): Promise<boolean> {
    return insertOpenedCase(this.deps.pool, this.target, input);
  }

  /** One lifecycle step; false when it was recorded already. */
  recordTransition(t: TransitionRecord): Promise<boolean> {
    return applyTransition(this.deps.pool, this.target, t);
  }

  /** A work record and its event; false when it was recorded already. */
  recordWorkRecord(r: WorkRecordInput): Promise<boolean> {
    return inTransaction(this.deps.pool, (client) => insertWorkRecord(client, this.target, r));
  }

  /** An inspection (一听二看三查) and its event; false when it was recorded already. */
  recordInspection(r: InspectionInput): Promise<boolean> {
    return inTransaction(this.deps.pool, (client) => insertInspection(client, this.target, r));
  }

  /** A rostered cadre's attendance at a market-day session and its event; false when it was recorded already. */
  recordSessionAttendance(a: SessionAttendanceInput): Promise<boolean> {
    return inTransaction(this.deps.pool, (client) => insertSessionAttendance(client, this.target, a));
  }

  /** A revision of a case's 四帮四促 tags and its event: inserted, recorded already, or in conflict with another change of that revision. */
  recordCaseHelps(c: CaseHelpsInput): Promise<CaseHelpsOutcome> {
    return inTransaction(this.deps.pool, (client) => insertCaseHelps(client, this.target, c));
  }

  /** A plan item revision's event (the revision itself is in the case API's schema); false when it was written already. */
  recordPlanItemEvent(e: PlanItemEventInput): Promise<boolean> {
    return inTransaction(this.deps.pool, (client) => insertPlanItemEvent(client, this.target, e));
  }

  /** An activity that failed for good, for the operators' view (no event: nothing happened to the case). */
  recordActivityFailure(f: ActivityFailureRecord): Promise<void> {
    return insertActivityFailure(this.deps.pool, f);
  }
}
