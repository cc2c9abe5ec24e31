/**
 * Creates the firmware service a plugin offers as `services.install`, from its folder's `pkgs/` manifest or from
 * packages it declares in TypeScript. A host passes it to its plugins as `services.installService`; `BasePlugin` calls
 * it, so a plugin gets the service by declaring packages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InstallServiceRequest } from '@provd/sdk';
import { manifestFromDeclaration } from './manifest-from-declaration';
import { FirmwareService } from './service';

/**
 * The firmware service of a plugin, or `undefined` when it declares no package (no `pkgs/` folder and no
 * declaration). Downloads use the host's proxies, and the plugin parameters `username`/`password` for files whose
 * downloader is `auth`.
 *
 * @example
 * ```ts
 * const plugin = new Plugin({ ...context, services: { ...context.services, installService: firmwareServiceFor } });
 * ```
 */
export function firmwareServiceFor(context: InstallServiceRequest): FirmwareService | undefined {
  const { packages } = context;
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
