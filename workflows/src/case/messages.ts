/**
 * Messages of the case workflow: names and argument types, imported by the
 * workflow and by its callers (API, tests) alike so they cannot drift apart.
 */
import { defineQuery } from '@temporalio/workflow';
import type { CaseCategory, CasePriority, CaseStatus, IntakeChannel } from '@minqing/shared/domain';

export interface CaseWorkflowState {
  caseId: string;
  trackingCode: string;
  status: CaseStatus;
  /** whether the intake step has committed the case to the read model */
  recorded: boolean;
  requestHash: string;
  openedAt: string;
  category: CaseCategory;
  priority: CasePriority;
  channel: IntakeChannel;
  servicePointCode: string | null;
  title: string;
  description: string;
  villageCode: string | null;
  householdCode: string | null;
}

export const getCaseState = defineQuery<CaseWorkflowState>('getCaseState');
