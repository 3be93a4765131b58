export * from './case/messages';
export type { CaseActivities, ReadModelPatch, TransitionRecord, Notification } from './case/activities';
export type { WorkActivities } from './work/activities';
