export type { SyncService } from './sync-service';
