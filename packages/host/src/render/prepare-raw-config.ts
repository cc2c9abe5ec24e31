import { applyRawConfigDefaults, assertValidRawConfig, type RawConfig } from '@provd/sdk';

/**
 * Prepares a flattened raw config for `configure` as the host does before each call (contract §4.4, §4.5): the
 * defaults are applied, then the result is validated (throwing `PROVD_INVALID_RAW_CONFIG` listing every problem).
 * Each device must then get its own copy, since plugins add their `XX_*` keys to it.
 *
 * @example
 * ```ts
 * const prepared = prepareRawConfig(JSON.parse(await readFile('config.json', 'utf8')));
 * await plugin.configure(device, structuredClone(prepared));
 * ```
 */
export function prepareRawConfig(raw: RawConfig, device?: string): RawConfig {
  const withDefaults = applyRawConfigDefaults(raw);
  assertValidRawConfig(withDefaults, device);
  return withDefaults;
}
