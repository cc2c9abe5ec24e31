export { AmiSyncService } from './ami-sync-service';
export type { AmiSyncOptions } from './ami-sync-service';
export { buildNotify, parseSipResponse } from './sip-message';
export type { BuiltNotify, NotifyRequest, SipResponse } from './sip-message';
export { UdpSipSyncService } from './udp-sync-service';
export type { UdpSipSyncOptions } from './udp-sync-service';
