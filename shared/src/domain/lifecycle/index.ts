/**
 * The case lifecycle, defined once (see moves.ts): statuses and their groups,
 * moves with their rules, what each move does, and the request schemas derived
 * from them. The place to read and change the rules.
 */
export * from './statuses';
export * from './moves';
export * from './state';
export * from './effects';
export * from './schemas';
export * as clocks from './clock';
export type { Clock, TimerEvent } from './clock';
