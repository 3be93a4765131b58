/**
 * The case workflow. Workflow ID = case id. Deterministic: no I/O, no clocks
 * other than Temporal's, no Node built-ins (lint rule + bundling in CI).
 *
 * Walking skeleton: intake only. The case is recorded (read model + timeline +
 * outbox, one transaction) and then waits, durably, for the lifecycle moves that
 * the lifecycle work adds as Updates.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { CaseWorkflowInput } from '@minqing/shared/domain';
import type { CaseActivities } from './activities';
import { getCaseState, type CaseWorkflowState } from './messages';

const { recordCaseOpened } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The database may be briefly away; the case must still be recorded, so retry
  // without a cap, backing off to once a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

class CaseState {
  readonly view: CaseWorkflowState;
  constructor(input: CaseWorkflowInput) {
    this.view = {
      caseId: input.caseId,
      trackingCode: input.trackingCode,
      status: 'submitted',
      recorded: false,
      requestHash: input.requestHash,
      openedAt: input.openedAt,
      category: input.request.category,
      priority: input.request.priority,
      channel: input.request.channel,
      servicePointCode: input.request.servicePointCode ?? null,
      title: input.request.title,
      description: input.request.description,
      villageCode: input.request.villageCode ?? null,
      householdCode: input.request.householdCode ?? null,
    };
  }
  get finished(): boolean {
    return ['closed', 'withdrawn', 'rejected', 'merged'].includes(this.view.status);
  }
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseWorkflowState> {
  const state = new CaseState(input);
  setHandler(getCaseState, () => state.view);

  await recordCaseOpened(input);
  state.view.recorded = true;

  await condition(() => state.finished);
  return state.view;
}
