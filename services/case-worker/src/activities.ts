/**
 * Activity implementations for the worker's workflows (case and work record),
 * built by a factory over injected dependencies so tests can pass their own.
 * Every write goes through the casework data module (./casework), which builds
 * the events and writes them to the outbox in the same transaction.
 *
 * A permanent data error (PostgreSQL refusing the data itself, see
 * permanentDataError) is not retried: the activity records it for the
 * operators (casework.activity_failures) and fails non-retryably, so the case
 * or record shows up in GET /api/v1/operations/failures instead of retrying
 * forever. Everything else (the database away, a deadlock) is retried as before.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger, Pool } from '@minqing/shared';
import type { CaseActivities, CaseHelpsActivities, InspectionActivities, MarketDayActivities, PlanActivities, WorkActivities } from '@minqing/workflows';
import { permanentDataError, type Casework } from './casework/index';
import { RoutingRepository } from './routing.repository';

export interface ActivityDeps {
  pool: Pool;
  logger: Logger;
  casework: Pick<Casework, 'recordCaseOpened' | 'recordTransition' | 'recordWorkRecord' | 'recordInspection' | 'recordSessionAttendance' | 'recordCaseHelps' | 'recordPlanItemEvent' | 'recordActivityFailure'>;
  routing?: Pick<RoutingRepository, 'route'>;
}

/** The error type a workflow (and the API) sees for a permanent data error. */
export const PERMANENT_DATA_ERROR = 'PermanentDataError';

/** Which activity of which workflow is running (outside a worker, e.g. in a unit test: unknown). */
function activityInfo(fallback: string): { workflowId: string; workflowType: string; activityType: string; attempt: number } {
  try {
    const info = Context.current().info;
    return { workflowId: info.workflowExecution?.workflowId ?? 'unknown', workflowType: info.workflowType ?? 'unknown', activityType: info.activityType, attempt: info.attempt };
  } catch {
    return { workflowId: 'unknown', workflowType: 'unknown', activityType: fallback, attempt: 1 };
  }
}

export function createActivities(deps: ActivityDeps): CaseActivities & WorkActivities & InspectionActivities & MarketDayActivities & CaseHelpsActivities & PlanActivities {
  const routing = deps.routing ?? new RoutingRepository(deps.pool);

  /** Runs `fn`; a permanent data error is recorded and becomes a non-retryable failure. */
  async function guarded<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const permanent = permanentDataError(err);
      if (!permanent) throw err;
      const info = activityInfo(name);
      try {
        await deps.casework.recordActivityFailure({ ...info, ...permanent });
      } catch (recordErr) {
        // Not recorded: retry the whole activity rather than lose the operator's view of it.
        deps.logger.error({ err: recordErr, workflowId: info.workflowId, activity: info.activityType }, 'could not record a permanent activity failure');
        throw err;
      }
      deps.logger.error({ workflowId: info.workflowId, activity: info.activityType, sqlstate: permanent.sqlstate, message: permanent.message }, 'activity failed permanently; not retried');
      throw ApplicationFailure.nonRetryable(`${info.activityType}: the database refused the data (SQLSTATE ${permanent.sqlstate}): ${permanent.message}`, PERMANENT_DATA_ERROR, {
        sqlstate: permanent.sqlstate,
      });
    }
  }

  return {
    async routeCase(args) {
      const decision = await guarded('routeCase', () => routing.route(args));
      deps.logger.info({ caseId: args.caseId, rule: decision.rule, assignee: decision.assigneeCode }, 'case routed');
      return decision;
    },

    async recordTransition(t) {
      return { inserted: await guarded('recordTransition', () => deps.casework.recordTransition(t)) };
    },

    // Does nothing that matters, on purpose: notifications are driven by the
    // case events (services/case-worker/src/notify, its own consumer group), not
    // by the workflow. The workflow still schedules this activity so the recorded
    // histories keep replaying; it only leaves a debug line.
    async notify(n) {
      deps.logger.debug({ caseId: n.caseId, to: n.toCode, kind: n.kind }, 'notify activity (notifications come from the case events)');
    },

    async recordCaseOpened(input) {
      const inserted = await guarded('recordCaseOpened', () => deps.casework.recordCaseOpened(input));
      deps.logger.info({ caseId: input.caseId, inserted }, 'case recorded');
      return { inserted };
    },

    async recordWorkRecord(input) {
      const inserted = await guarded('recordWorkRecord', () => deps.casework.recordWorkRecord(input));
      deps.logger.info({ recordId: input.recordId, cadre: input.cadreCode, kind: input.kind, inserted }, 'work record recorded');
      return { inserted };
    },

    async recordInspection(input) {
      const inserted = await guarded('recordInspection', () => deps.casework.recordInspection(input));
      deps.logger.info({ inspectionId: input.inspectionId, cadre: input.cadreCode, inserted }, 'inspection recorded');
      return { inserted };
    },

    async recordSessionAttendance(input) {
      const inserted = await guarded('recordSessionAttendance', () => deps.casework.recordSessionAttendance(input));
      deps.logger.info({ attendanceId: input.attendanceId, session: input.sessionCode, cadre: input.cadreCode, inserted }, 'session attendance recorded');
      return { inserted };
    },

    async recordCaseHelps(input) {
      const outcome = await guarded('recordCaseHelps', () => deps.casework.recordCaseHelps(input));
      deps.logger.info({ caseId: input.caseId, revision: input.revision, outcome }, 'case 四帮四促 tags recorded');
      return { inserted: outcome === 'inserted', conflict: outcome === 'conflict' };
    },

    async recordPlanItemEvent(input) {
      const inserted = await guarded('recordPlanItemEvent', () => deps.casework.recordPlanItemEvent(input));
      deps.logger.info({ eventId: input.eventId, plan: input.data.planId, item: input.data.itemId, revision: input.data.revision, inserted }, 'plan item event recorded');
      return { inserted };
    },
  };
}
