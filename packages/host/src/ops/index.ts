export { HostMetrics } from './host-metrics';
export type { HostMetricsSources, IdentificationOutcome } from './host-metrics';
export { isReady, opsHandler, OpsServer } from './ops-server';
export type { OpsEndpoint, OpsServerOptions, Readiness } from './ops-server';
