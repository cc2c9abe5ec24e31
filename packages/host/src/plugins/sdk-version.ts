import { createRequire } from 'node:module';
import semver from 'semver';
import { type PluginInfo } from '@provd/sdk';
import { PLUGIN_INFO_FILE } from './plugin-folder';
import { hostError } from '../errors';

/** The version of the `@provd/sdk` copy this host runs with (from its package.json). */
export const HOST_SDK_VERSION: string = (createRequire(import.meta.url)('@provd/sdk/package.json') as { version: string }).version;

/**
 * Checks that the plugin's declared `sdk` range accepts the host's `@provd/sdk` version (prereleases included).
 * Throws `PROVD_PLUGIN_NO_SDK_RANGE` when the range is missing, `PROVD_PLUGIN_SDK_MISMATCH` naming the plugin, the
 * range and the version when it does not match.
 *
 * @example
 * ```ts
 * assertSdkCompatible('digium-2.8.1', info); // passes for sdk "^0.1.0" on a 0.1.x host
 * ```
 */
export function assertSdkCompatible(pluginId: string, info: PluginInfo, sdkVersion: string = HOST_SDK_VERSION): void {
  const range = info.sdk;
  if (typeof range !== 'string' || range.trim() === '') {
    throw hostError('PROVD_PLUGIN_NO_SDK_RANGE', { plugin: pluginId, file: PLUGIN_INFO_FILE });
  }
  if (!semver.validRange(range) || !semver.satisfies(sdkVersion, range, { includePrerelease: true })) {
    throw hostError('PROVD_PLUGIN_SDK_MISMATCH', { plugin: pluginId, range, version: sdkVersion });
  }
}
