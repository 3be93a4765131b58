export * from './catalogue';
export * from './cloudevents';
export * from './lifecycle';
export * from './contract';
