export * from './case';
export * from './search-attributes';
