import { validateRawConfig } from '@provd/sdk';
import { type ConfigDocument } from '@provd/core';

/** A config document as the host stores it: a {@link ConfigDocument} whose id is set. */
export type StoredConfig = ConfigDocument & { id: string; parent_ids: string[] };

/** Removes every object entry whose value is `null`, recursively (list items are kept). */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => dropNulls(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) out[key] = dropNulls(v);
  return out as T;
}

/**
 * Checks a config sent by a client (contract §4.1): `parent_ids` a list of existing config ids (never a transient
 * one, never itself), `raw_config` an object valid under the SDK's raw-config schema. A config with `X_type` `device`
 * has its `null` values removed first. Returns the config or a list of `path: message` problems.
 */
export function readConfigInput(
  input: unknown,
  exists: (id: string) => StoredConfig | undefined,
): { config: Omit<StoredConfig, 'id'> & { id?: string } } | { errors: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { errors: ['config: must be a JSON object'] };
  let config = structuredClone(input) as Record<string, unknown>;
  if (config.X_type === 'device') config = dropNulls(config);
  const errors: string[] = [];
  if (config.id !== undefined && typeof config.id !== 'string') errors.push('id: must be a string');
  const parents = config.parent_ids;
  if (!Array.isArray(parents) || parents.some((p) => typeof p !== 'string')) {
    errors.push('parent_ids: must be a list of config ids (e.g. [] or ["base"])');
  } else {
    for (const parent of parents as string[]) {
      const doc = exists(parent);
      if (parent === config.id) errors.push(`parent_ids: a config cannot be its own parent ("${parent}")`);
      else if (!doc) errors.push(`parent_ids: no config "${parent}"`);
      else if (doc.transient) errors.push(`parent_ids: config "${parent}" is transient and cannot be a parent`);
    }
  }
  const raw = config.raw_config;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) errors.push('raw_config: must be an object');
  else errors.push(...validateRawConfig(raw).errors.map((e) => `raw_config.${e}`));
  return errors.length > 0 ? { errors } : { config: config as Omit<StoredConfig, 'id'> & { id?: string } };
}
