/**
 * Messages of the case workflow: names and argument types, imported by the
 * workflow and by its callers (API, tests) alike so they cannot drift apart.
 * Staff actions are Updates (validated, the caller gets the new state or a
 * clear rejection); state is read with a Query.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { REJECT_REASON_CODES, RETURN_REASON_CODES } from '@minqing/shared/domain';
import type { CaseCategory, CasePriority, CaseStatus, FollowUpMethod, IntakeChannel, RoutingDecision, Satisfaction } from '@minqing/shared/domain';

export interface Actor {
  code: string;
  role: string;
}

export type Phase = 'sign_for' | 'resolve' | 'follow_up';
export type { Satisfaction };

export interface ClockView {
  phase: Phase;
  dueAt: string | null;
  paused: boolean;
  startedAt: string;
}

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
  /** lifecycle */
  seq: number;
  routing: RoutingDecision | null;
  assigneeCode: string | null;
  escalationLevel: number;
  clock: ClockView | null;
  slaPolicyVersion: string;
  returnsCount: number;
  /** status before the pending return, to restore if the reviewer forces dispatch */
  pendingReturn: { byCode: string; reasonCode: string; note: string } | null;
  pendingExtension: { phase: Phase; minutes: number; reason: string; requestedBy: string } | null;
  satisfaction: Satisfaction | null;
  reopenCount: number;
  mergedInto: string | null;
  lastMoveAt: string;
}

interface WithActor {
  actor: Actor;
}

export const ReturnReasonCodes = RETURN_REASON_CODES;
export type ReturnReasonCode = (typeof ReturnReasonCodes)[number];
export const RejectReasonCodes = REJECT_REASON_CODES;

export type AcceptArgs = WithActor;
export type ReturnArgs = WithActor & { reasonCode: ReturnReasonCode; note: string };
export type ReviewReturnArgs = WithActor & { decision: 'reroute' | 'force_dispatch'; assigneeCode?: string; note: string };
export type ReassignArgs = WithActor & { assigneeCode: string; note: string };
export type StartWorkArgs = WithActor;
export type WaitOnResidentArgs = WithActor & { note: string };
export type ResumeArgs = WithActor & { note: string };
export type ForwardUpstreamArgs = WithActor & { authority: string; note: string };
export type UpstreamAnsweredArgs = WithActor & { outcome: string; note: string };
export type ResolveArgs = WithActor & { reply: string };
export type FollowUpArgs = WithActor & { satisfaction: Satisfaction; method: FollowUpMethod; note: string };
export type ReopenArgs = WithActor & { reason: string };
export type MergeArgs = WithActor & { intoCaseId: string; note: string };
export type WithdrawArgs = WithActor & { reason: string };
export type RejectArgs = WithActor & { reasonCode: (typeof RejectReasonCodes)[number]; note: string };
export type CloseArgs = WithActor & { note: string };
export type RequestExtensionArgs = WithActor & { minutes: number; reason: string };
export type DecideExtensionArgs = WithActor & { approve: boolean; note: string };
export type SuperviseArgs = WithActor & { note: string };

export const getCaseState = defineQuery<CaseWorkflowState>('getCaseState');

export const acceptCase = defineUpdate<CaseWorkflowState, [AcceptArgs]>('acceptCase');
export const returnCase = defineUpdate<CaseWorkflowState, [ReturnArgs]>('returnCase');
export const reviewReturn = defineUpdate<CaseWorkflowState, [ReviewReturnArgs]>('reviewReturn');
export const reassignCase = defineUpdate<CaseWorkflowState, [ReassignArgs]>('reassignCase');
export const startWork = defineUpdate<CaseWorkflowState, [StartWorkArgs]>('startWork');
export const waitOnResident = defineUpdate<CaseWorkflowState, [WaitOnResidentArgs]>('waitOnResident');
export const resumeFromResident = defineUpdate<CaseWorkflowState, [ResumeArgs]>('resumeFromResident');
export const forwardUpstream = defineUpdate<CaseWorkflowState, [ForwardUpstreamArgs]>('forwardUpstream');
export const upstreamAnswered = defineUpdate<CaseWorkflowState, [UpstreamAnsweredArgs]>('upstreamAnswered');
export const resolveCase = defineUpdate<CaseWorkflowState, [ResolveArgs]>('resolveCase');
export const recordFollowUp = defineUpdate<CaseWorkflowState, [FollowUpArgs]>('recordFollowUp');
export const reopenCase = defineUpdate<CaseWorkflowState, [ReopenArgs]>('reopenCase');
export const mergeCase = defineUpdate<CaseWorkflowState, [MergeArgs]>('mergeCase');
export const withdrawCase = defineUpdate<CaseWorkflowState, [WithdrawArgs]>('withdrawCase');
export const rejectCase = defineUpdate<CaseWorkflowState, [RejectArgs]>('rejectCase');
export const closeCase = defineUpdate<CaseWorkflowState, [CloseArgs]>('closeCase');
export const requestExtension = defineUpdate<CaseWorkflowState, [RequestExtensionArgs]>('requestExtension');
export const decideExtension = defineUpdate<CaseWorkflowState, [DecideExtensionArgs]>('decideExtension');
export const superviseCase = defineUpdate<CaseWorkflowState, [SuperviseArgs]>('superviseCase');

/** ApplicationFailure types the validators use; the API maps them to HTTP statuses. */
export const RejectionType = {
  notAllowed: 'TransitionNotAllowed', // 409
  forbidden: 'Forbidden', // 403
  invalid: 'InvalidArguments', // 400
} as const;
