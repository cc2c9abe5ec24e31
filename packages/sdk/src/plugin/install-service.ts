/**
 * The firmware-package service as plugins and hosts see it: what a host's installer offers. The host gives one to a
 * plugin through the context's `installService` factory, so the SDK carries no installer of its own.
 */

/** A file that must be placed in the cache by hand. */
export interface ManualFile {
  /** Where to place it. */
  path: string;
  /** Its exact size in bytes. */
  size: number;
  /** Its SHA-1. */
  sha1: string;
}

/** A package as `installable()` lists it. */
export interface InstallableInfo {
  /** The version the manifest offers. */
  version: string;
  /** The English description. */
  description: string;
  /** Localised descriptions by locale. */
  descriptions: Record<string, string>;
  /** Total download size in bytes. */
  dsize: number;
  /** Files that must be placed in `var/cache/` by hand and are not there yet. */
  manual: ManualFile[];
  /** Why the package cannot be installed, when its definition is wrong. */
  errors: string[];
}

/** A package as `installed()` lists it. */
export interface InstalledInfo {
  /** The installed version. */
  version: string;
  /** The English description. */
  description: string;
  /** How many files it installed. */
  files: number;
}

/**
 * The firmware-package service of a plugin (`services.install`), as a host drives it. The host's installer
 * (`FirmwareService` of `@provd/firmware`) implements it; `BasePlugin` asks the host's
 * `InstallServiceFactory` for one when the plugin declares packages.
 */
export interface InstallService {
  /** The packages the plugin declares, by id. */
  installable(): Promise<Record<string, InstallableInfo>>;
  /** The packages installed in the plugin's tftpboot folder, by id. */
  installed(): Promise<Record<string, InstalledInfo>>;
  /** Downloads, verifies and installs a package. */
  install(id: string): Promise<unknown>;
  /** Replaces an installed package by its declared version. */
  upgrade(id: string): Promise<unknown>;
  /** Removes exactly the files a package installed. */
  uninstall(id: string): Promise<unknown>;
}
