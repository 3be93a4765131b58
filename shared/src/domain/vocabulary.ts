/**
 * The case vocabulary as plain values: categories, priorities, channels,
 * statuses, answers and reason codes. No imports, so the web console uses the
 * very same lists at run time (`@minqing/shared/vocabulary`) and workflow code
 * may too.
 */

/** Case categories (domain brief, "Case categories"); configurable later via the directory. */
export const CaseCategory = {
  policyQuestion: 'policy_question', // 政策咨询
  developmentGuidance: 'development_guidance', // 发展指导
  livelihoodDifficulty: 'livelihood_difficulty', // 民生困难
  disputeMediation: 'dispute_mediation', // 矛盾纠纷调解
  proxyMatter: 'proxy_matter', // 代办事项
  environmentCivility: 'environment_civility', // 环境卫生
  careVisit: 'care_visit', // 走访慰问
  other: 'other',
} as const;
export type CaseCategory = (typeof CaseCategory)[keyof typeof CaseCategory];
export const CASE_CATEGORIES = Object.values(CaseCategory);

export const CasePriority = { urgent: 'urgent', normal: 'normal' } as const;
export type CasePriority = (typeof CasePriority)[keyof typeof CasePriority];
/** Normal first: the default choice. */
export const CASE_PRIORITIES: readonly CasePriority[] = [CasePriority.normal, CasePriority.urgent];

/** Where the resident's request came in (定点服务 / 定时服务 and remote channels). */
export const IntakeChannel = {
  hall: 'hall', // 一站式便民服务大厅
  station: 'station', // 社区便民服务工作站
  marketDay: 'market_day', // 集贸日联合办公
  phone: 'phone',
  online: 'online',
  visit: 'visit', // opened by a cadre during a household visit
} as const;
export type IntakeChannel = (typeof IntakeChannel)[keyof typeof IntakeChannel];

export const CaseStatus = {
  submitted: 'submitted',
  assigned: 'assigned',
  returned: 'returned', // 退单, waiting for review
  accepted: 'accepted',
  inProgress: 'in_progress',
  waitingOnResident: 'waiting_on_resident',
  forwardedUpstream: 'forwarded_upstream',
  resolved: 'resolved',
  followedUp: 'followed_up',
  closed: 'closed',
  withdrawn: 'withdrawn',
  rejected: 'rejected',
  merged: 'merged',
} as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];
export const CASE_STATUSES = Object.values(CaseStatus);


/** The resident's answer at the follow-up (回访). */
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];
/** How staff made the follow-up. */
export const FOLLOW_UP_METHODS = ['call', 'visit', 'in_person'] as const;
/** The resident's own rating on the tracking page also records the follow-up. */
export const RESIDENT_FOLLOW_UP_METHOD = 'online';
export type FollowUpMethod = (typeof FOLLOW_UP_METHODS)[number] | typeof RESIDENT_FOLLOW_UP_METHOD;
/** Why an assignee returns a case (退单). */
export const RETURN_REASON_CODES = ['wrong_area', 'not_our_duty', 'insufficient_information', 'duplicate', 'other'] as const;
/** Why a manager rejects a case as out of scope. */
export const REJECT_REASON_CODES = ['out_of_scope', 'illegal_request', 'already_handled', 'other'] as const;
