export * from './catalogue';
export * from './cloudevents';
export * from './lifecycle';
export * from './inspection';
export * from './market-days';
export * from './four-helps';
export * from './plans';
export * from './contract';
