import { assertValidRawConfig, type RawConfig } from '@provd/sdk';
import { applyRawConfigDefaults } from '@provd/core';

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

/** Whether a JSON round trip gives back exactly `value`: plain objects, dense arrays, strings, finite numbers, ... */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !isPlainJson(value[i])) return false;
    return true;
  }
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}

/**
 * A function returning a new deep copy of `config` on every call (each device gets its own, since plugins add keys):
 * parsing its JSON text, much cheaper than `structuredClone` per device, when that loses nothing; `structuredClone`
 * otherwise.
 *
 * @example
 * ```ts
 * const copy = rawConfigCopier(prepareRawConfig(rawConfig));
 * for (const device of devices) await plugin.configure(device, copy());
 * ```
 */
export function rawConfigCopier(config: RawConfig): () => RawConfig {
  if (!isPlainJson(config)) return () => structuredClone(config);
  const text = JSON.stringify(config);
  return () => JSON.parse(text) as RawConfig;
}
