export type { SyncService } from './sync-service';
export { isAutoprovPeer, standardSipSynchronize } from './standard-sip-synchronize';
