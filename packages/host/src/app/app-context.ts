import type { BackgroundReconfigurer } from '../reconfigure/background-reconfigurer';
import type { Collection, ConfigRecord, DeviceRecord, Store } from '../store/store';
import type { ProvisioningAppOptions } from './app-options';
import type { KeyedLock } from './keyed-lock';
import type { LoadedPlugins } from './loaded-plugins';

/** What the parts of the provisioning application share: its options, store, loaded plugins and device lock. */
export interface AppContext {
  /** The application's options. */
  readonly options: ProvisioningAppOptions;
  /** The store (every change goes through `store.commit`). */
  readonly store: Store;
  /** The devices of the store. */
  readonly devices: Collection<DeviceRecord>;
  /** The configs of the store. */
  readonly configs: Collection<ConfigRecord>;
  /** The loaded plugins. */
  readonly plugins: LoadedPlugins;
  /** One task at a time per device id. */
  readonly deviceLock: KeyedLock;
  /** Background reconfigurations (recorded jobs) and on-demand freshness of devices. */
  readonly reconfigurer: BackgroundReconfigurer;
  /** Logs an operational line. */
  log(line: string): void;
}

/** A one-line description of a thrown value, for log lines. */
export const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
