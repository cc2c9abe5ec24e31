export { DeviceSupport } from './device-support';
export type { PgAssociator } from './pg-associator';
export { BasePgAssociator } from './base-pg-associator';
