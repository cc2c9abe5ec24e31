/**
 * The firmware-package service as plugins and hosts see it: what a host's installer offers, and the factory through
 * which the host gives one to a plugin (so the SDK carries no installer of its own).
 */
import type { PackagesDeclaration } from '../firmware/define-packages';
import type { GeneralConfig } from './plugin-context';

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
 * (`FirmwareService` of `@provd/firmware`) implements it; {@link BasePlugin} asks the host's
 * {@link InstallServiceFactory} for one when the plugin declares packages.
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

/** What {@link BasePlugin} tells the host's {@link InstallServiceFactory} about a plugin. */
export interface InstallServiceRequest {
  /** The plugin id, e.g. `digium-2.8.1`. */
  id: string;
  /** The absolute plugin folder (holding `pkgs/` and `var/`). */
  pluginDir: string;
  /** The host's general configuration (download proxies). */
  generalConfig: GeneralConfig;
  /** The plugin's own configuration (`username`/`password` for authenticated downloads). */
  pluginConfig: Record<string, unknown>;
  /** Packages the plugin declares in TypeScript (`definePackages`), if any. */
  packages?: PackagesDeclaration<string, string>;
}

/**
 * How a host creates the firmware service of a plugin (`PluginContext.services.installService`): `undefined` when
 * the plugin declares no package (no `pkgs/` folder and no declaration). The host's `firmwareServiceFor`
 * (`@provd/firmware`) is one.
 */
export type InstallServiceFactory = (request: InstallServiceRequest) => InstallService | undefined;
