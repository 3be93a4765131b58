export * from './case/messages';
export type { CaseActivities } from './case/activities';
