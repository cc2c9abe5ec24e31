import type { FamilyDefinition } from '../family/types';
import type { TarEntry } from '../tarball/deterministic-tar';

/** A family file that loaded and passed the definition checks. */
export interface LoadedFamily {
  /** The family name. */
  name: string;
  /** The family file, relative to the repository root (for messages). */
  file: string;
  /** The absolute folder of the family file; source folders are relative to it. */
  dir: string;
  /** The definition. */
  definition: FamilyDefinition;
}

/** A target that passed every check, ready to be packed. */
export interface PreparedPlugin {
  /** The family name. */
  family: string;
  /** The target id. */
  target: string;
  /** The plugin id (the tarball's top folder). */
  pluginId: string;
  /** The plugin version (from `plugin-info`). */
  version: string;
  /** The tarball file name, `<plugin id>-<version>.tar.gz`. */
  filename: string;
  /** The `plugin-info` written into the plugin. */
  pluginInfo: Record<string, unknown>;
  /** Every folder and file of the tarball, below the top folder. */
  entries: TarEntry[];
}

/** Where the build reports what it does. */
export interface BuildReporter {
  /** A step, shown only on a terminal. */
  progress(message: string): void;
  /** Something worth knowing that does not fail the build. */
  warn(message: string): void;
}

/** A reporter that prints nothing. */
export const silentReporter: BuildReporter = { progress: () => undefined, warn: () => undefined };
