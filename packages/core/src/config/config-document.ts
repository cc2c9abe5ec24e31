import type { RawConfig } from '@provd/sdk';

/** A config document as the host stores it (contract §4.1): a raw config and the configs it inherits from. */
export interface ConfigDocument {
  /** The config id (the host generates one when it is absent). */
  id?: string;
  /** The ids of the parent configs, lowest precedence first. */
  parent_ids: readonly string[];
  /** This config's own raw config; flattening merges it over its parents'. */
  raw_config: RawConfig;
  /** `default` or `autocreate` for the host's special configs. */
  role?: 'default' | 'autocreate';
  /** Deleted automatically once no device uses it; never a parent. */
  transient?: boolean;
  /** `false` forbids deleting the config. @defaultValue true */
  deletable?: boolean;
  /** Wazo's kind of config: `internal`, `registrar` or `device`. */
  X_type?: string;
  /** Other keys are kept. */
  [key: string]: unknown;
}

/** How flattening finds a config by id: a function or a map; `undefined` means "no such config". */
export type ConfigLookup =
  | ((id: string) => ConfigDocument | undefined)
  | ReadonlyMap<string, ConfigDocument>;

/** Finds a config through a {@link ConfigLookup}. */
export function lookupConfig(lookup: ConfigLookup, id: string): ConfigDocument | undefined {
  return typeof lookup === 'function' ? lookup(id) : lookup.get(id);
}

/** The parent ids of a config, ignoring a malformed `parent_ids`. */
export function parentIds(config: ConfigDocument): readonly string[] {
  return Array.isArray(config.parent_ids) ? config.parent_ids.filter((id) => typeof id === 'string') : [];
}
