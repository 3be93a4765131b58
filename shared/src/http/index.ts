export * from './problem';
export * from './app';
export * from './query';
export * from './route-access';
export * from './event-contract';
export * from './paging';
