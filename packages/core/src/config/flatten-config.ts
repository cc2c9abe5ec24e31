import type { RawConfig } from '@provd/sdk';
import { type ConfigDocument, type ConfigLookup, lookupConfig, parentIds } from './config-document';
import { cloneJson, isPlainObject, setOwn } from './json-value';

/**
 * Merges `overlay` into `base` in place (contract §4.2): an object merges key by key into the base's object at the
 * same key (replacing a non-object there with a new object first); anything else, arrays and `null` included,
 * replaces the base value. Values taken from `overlay` are copied, so `base` never shares objects with it.
 */
export function mergeRawConfigInto(base: Record<string, unknown>, overlay: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(overlay)) {
    if (isPlainObject(value)) {
      let target = base[key];
      if (!isPlainObject(target) || !Object.hasOwn(base, key)) {
        target = {};
        setOwn(base, key, target);
      }
      mergeRawConfigInto(target as Record<string, unknown>, value);
    } else {
      setOwn(base, key, cloneJson(value));
    }
  }
}

/**
 * The flattened raw config of a config (contract §4.2): a copy of `baseRawConfig`, then each ancestor's own raw
 * config, then the config's own, merged with {@link mergeRawConfigInto}. Parents are applied depth-first in list
 * order, so later parents win over earlier ones and the config wins over all of them; an ancestor shared by two
 * parents is applied once, where it is first met. Unknown parent ids are ignored and cycles are harmless. Returns
 * `undefined` when `configId` is unknown.
 *
 * The result is always a new object that shares nothing with the inputs, so two devices never receive the same
 * object (the established host handed one object to every device of a config, and a plugin's changes leaked from
 * one device to the next).
 *
 * @example
 * ```ts
 * const configs = new Map([
 *   ['base', { parent_ids: [], raw_config: { ntp_enabled: true, ntp_ip: '10.0.0.1' } }],
 *   ['dev1', { parent_ids: ['base'], raw_config: { sip_lines: { '1': { username: '1001' } } } }],
 * ]);
 * flattenConfig('dev1', configs, { tftp_port: 69 });
 * // { tftp_port: 69, ntp_enabled: true, ntp_ip: '10.0.0.1', sip_lines: { '1': { username: '1001' } } }
 * ```
 */
export function flattenConfig(
  configId: string,
  lookup: ConfigLookup,
  baseRawConfig: Readonly<RawConfig> = {},
): RawConfig | undefined {
  const config = lookupConfig(lookup, configId);
  if (config === undefined) return undefined;
  const result = cloneJson(baseRawConfig) as Record<string, unknown>;
  const visited = new Set([configId]);
  const apply = (current: ConfigDocument): void => {
    for (const parentId of parentIds(current)) {
      if (visited.has(parentId)) continue;
      visited.add(parentId);
      const parent = lookupConfig(lookup, parentId);
      if (parent !== undefined) apply(parent);
    }
    if (isPlainObject(current.raw_config)) mergeRawConfigInto(result, current.raw_config);
  };
  apply(config);
  return result as RawConfig;
}

/**
 * The ids of every config that `configId` inherits from, directly or not (unknown ids left out, cycles harmless).
 *
 * @example
 * ```ts
 * configAncestors('child', configs); // Set { 'p1', 'base', 'p2' }
 * ```
 */
export function configAncestors(configId: string, lookup: ConfigLookup): Set<string> {
  const ancestors = new Set<string>();
  const pending = [configId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const config = lookupConfig(lookup, id);
    if (config === undefined) continue;
    for (const parentId of parentIds(config)) {
      if (parentId === configId || ancestors.has(parentId) || lookupConfig(lookup, parentId) === undefined) continue;
      ancestors.add(parentId);
      pending.push(parentId);
    }
  }
  return ancestors;
}

/**
 * The ids of every config among `configs` that inherits from `configId`, directly or not: after a change to
 * `configId`, the devices of these configs (and of `configId` itself) need to be configured again.
 *
 * @example
 * ```ts
 * configDescendants('base', configs.values()); // Set { 'p1', 'p2', 'child' }
 * ```
 */
export function configDescendants(configId: string, configs: Iterable<ConfigDocument>): Set<string> {
  const children = new Map<string, string[]>();
  for (const config of configs) {
    if (typeof config.id !== 'string') continue;
    for (const parentId of parentIds(config)) {
      const list = children.get(parentId) ?? [];
      list.push(config.id);
      children.set(parentId, list);
    }
  }
  const descendants = new Set<string>();
  const pending = [configId];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const child of children.get(id) ?? []) {
      if (child === configId || descendants.has(child)) continue;
      descendants.add(child);
      pending.push(child);
    }
  }
  return descendants;
}
