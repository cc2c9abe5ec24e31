import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createProvdError, validatePluginInfo, type PluginInfo } from '@provd/sdk';
import { hostError } from '../errors';

/** The file of a plugin folder holding its `plugin-info` JSON. */
export const PLUGIN_INFO_FILE = 'plugin-info';
/** The plugin's entry module, an ES module default-exporting the plugin class. */
export const ENTRY_FILE = 'entry.js';

const PLUGIN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Checks that `id` can name a plugin folder (1 to 128 letters, digits, `.`, `_`, `-`, starting with a letter or
 * digit); throws `PROVD_HOST_INVALID_ID` otherwise.
 *
 * @example
 * ```ts
 * assertPluginId('digium-2.8.1');
 * ```
 */
export function assertPluginId(id: string): void {
  if (!PLUGIN_ID.test(id)) throw hostError('PROVD_HOST_INVALID_ID', { kind: 'plugin', id });
}

/**
 * Reads and validates the `plugin-info` of a plugin folder. Throws `PROVD_PLUGIN_INFO_MISSING` when it is missing or
 * not JSON, `PROVD_INVALID_PLUGIN_INFO` when it does not match the schema.
 *
 * @example
 * ```ts
 * const info = await readPluginInfo('/var/lib/provd/plugins/digium-2.8.1', 'digium-2.8.1');
 * ```
 */
export async function readPluginInfo(pluginDir: string, pluginId: string): Promise<PluginInfo> {
  const file = join(pluginDir, PLUGIN_INFO_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw hostError('PROVD_PLUGIN_INFO_MISSING', { plugin: pluginId, file, reason: (err as Error).message }, { cause: err });
  }
  const { valid, errors } = validatePluginInfo(parsed);
  if (!valid) throw createProvdError('PROVD_INVALID_PLUGIN_INFO', { file, errors });
  return parsed as PluginInfo;
}
