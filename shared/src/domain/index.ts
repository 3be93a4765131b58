export * from './case';
export * from './search-attributes';
export * from './directory';
export type { LifecycleEventType } from '../events/lifecycle';
export * from './calendar';
export * from './sla';
export * from './figures';
export * from './sla-policy';
export * from './access';
