export * from './case/messages';
export type { CaseActivities, ReadModelPatch, TransitionRecord, Notification } from './case/activities';
export type { WorkActivities } from './work/activities';
export type { InspectionActivities } from './inspection/activities';
export type { MarketDayActivities } from './market-days/activities';
export type { CaseHelpsActivities } from './four-helps/activities';
export type { PlanActivities } from './plans/activities';
