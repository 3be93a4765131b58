export * from './stack';
export * from './services';
export * from './proc';
export * from './paths';
export { ensureTemporalTestServer, ensureTemporalCli, TEMPORAL_CLI_VERSION } from './temporal';
export { KAFKA_VERSION } from './kafka';
export { postgresVersion } from './postgres';
export { buildWeb, ensureChromium, CHROMIUM, webDist } from './web';
