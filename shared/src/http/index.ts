export * from './problem';
export * from './app';
