import type { Device } from '@provd/sdk';
import { jsonEqual } from './json-value';

/**
 * The device keys whose change makes the host deconfigure and configure the device again (contract §1.5). `ip` is
 * not one of them: a phone that only changed address keeps its files.
 */
export const RECONFIGURE_KEYS = ['plugin', 'config', 'mac', 'uuid', 'vendor', 'model', 'version', 'options'] as const;

/** One of the {@link RECONFIGURE_KEYS}. */
export type ReconfigureKey = (typeof RECONFIGURE_KEYS)[number];

/**
 * Tells whether an update from `oldDevice` to `newDevice` changes one of the {@link RECONFIGURE_KEYS}; values are
 * compared deeply (so `options` objects with the same content are equal) and an absent key equals `null`.
 *
 * @example
 * ```ts
 * needsReconfigure({ id: '1', config: 'a' }, { id: '1', config: 'b' }); // true
 * needsReconfigure({ id: '1', ip: '10.0.0.1' }, { id: '1', ip: '10.0.0.2' }); // false
 * ```
 */
export function needsReconfigure(oldDevice: Readonly<Device>, newDevice: Readonly<Device>): boolean {
  return RECONFIGURE_KEYS.some((key) => !jsonEqual(oldDevice[key] ?? null, newDevice[key] ?? null));
}
