export { checkAppendable, createHostLogger } from './host-logger';
export type { HostLogger, HostLoggerOptions } from './host-logger';
