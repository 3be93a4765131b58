export * from './catalogue';
export * from './cloudevents';
