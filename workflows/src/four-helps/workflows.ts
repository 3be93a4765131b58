/**
 * A change of a case's 四帮四促 tags takes the path of a work record: the case
 * API checks it (the case, who may tag it, the revision it was made on) and
 * starts this workflow (Workflow ID = `case-helps:<change id>`, see
 * caseHelpsWorkflowId) and waits for it; the worker's activity writes the
 * revision and its event in one transaction. It is not a move of the case's
 * own workflow: tags change no status, deadline or assignee.
 *
 * Deterministic: no I/O, no clocks; everything comes in with the input.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CaseHelpsInput, FourHelp } from '@minqing/shared/domain';
import type { CaseHelpsActivities } from './activities';

const { recordCaseHelps } = proxyActivities<CaseHelpsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function caseHelpsWorkflow(input: CaseHelpsInput): Promise<{ caseId: string; revision: number; helps: FourHelp[]; conflict: boolean }> {
  const { conflict } = await recordCaseHelps(input);
  return { caseId: input.caseId, revision: input.revision, helps: input.helps, conflict };
}
