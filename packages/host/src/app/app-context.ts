import type { Device } from '@provd/sdk';
import type { DocumentStore } from '../store/document-store';
import type { ProvisioningAppOptions } from './app-options';
import type { StoredConfig } from './config-input';
import type { KeyedLock } from './keyed-lock';
import type { LoadedPlugins } from './loaded-plugins';

/** What the parts of the provisioning application share: its options, stores, loaded plugins and device lock. */
export interface AppContext {
  /** The application's options. */
  readonly options: ProvisioningAppOptions;
  /** The devices. */
  readonly devices: DocumentStore<Device>;
  /** The configs. */
  readonly configs: DocumentStore<StoredConfig>;
  /** The loaded plugins. */
  readonly plugins: LoadedPlugins;
  /** One task at a time per device id. */
  readonly deviceLock: KeyedLock;
  /** Logs an operational line. */
  log(line: string): void;
}

/** A one-line description of a thrown value, for log lines. */
export const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
