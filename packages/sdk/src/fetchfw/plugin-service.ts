/**
 * Creates the firmware service a plugin offers as `services.install`, from its folder's `pkgs/` manifest or from
 * packages it declares in TypeScript. `BasePlugin` calls it, so a plugin gets the service by declaring packages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginContext } from '../plugin/plugin-context';
import { manifestFromDeclaration, type PackagesDeclaration } from './define';
import { FirmwareService } from './service';

/**
 * The firmware service of a plugin, or `undefined` when it declares no package (no `pkgs/` folder and no
 * declaration). Downloads use the host's proxies, and the plugin parameters `username`/`password` for files whose
 * downloader is `auth`.
 *
 * @example
 * ```ts
 * const install = firmwareServiceFor(context, packages);
 * if (install) this.services = { ...this.services, install };
 * ```
 */
export function firmwareServiceFor(context: Pick<PluginContext, 'id' | 'pluginDir' | 'generalConfig' | 'pluginConfig'>, packages?: PackagesDeclaration<string, string>): FirmwareService | undefined {
  if (!packages && !existsSync(join(context.pluginDir, 'pkgs'))) return undefined;
  const { username, password } = context.pluginConfig;
  return new FirmwareService({
    pluginDir: context.pluginDir,
    pluginId: context.id,
    ...(packages ? { manifest: manifestFromDeclaration(packages, `${context.id} (TypeScript packages)`) } : {}),
    download: {
      ...(context.generalConfig.proxies ? { proxies: context.generalConfig.proxies } : {}),
      ...(typeof username === 'string' && typeof password === 'string' ? { credentials: { username, password } } : {}),
    },
  });
}
