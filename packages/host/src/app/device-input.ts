import { isProvdError, normIp, normMac, type Device } from '@provd/sdk';

const STRING_KEYS = ['id', 'mac', 'sn', 'ip', 'uuid', 'vendor', 'model', 'version', 'plugin', 'config', 'added', 'tenant_uuid', 'description', 'remote_state_sip_username'] as const;

/**
 * Checks and normalises a device sent by a client: string keys must be strings, `mac` and `ip` are normalised,
 * `options` must be an object, `is_new` a boolean, and `configured` (maintained by the host) is dropped. Returns the
 * device or a list of `key: message` problems.
 */
export function readDeviceInput(input: unknown): { device: Partial<Device> } | { errors: string[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { errors: ['device: must be a JSON object'] };
  const device = structuredClone(input) as Record<string, unknown>;
  const errors: string[] = [];
  delete device.configured;
  for (const key of STRING_KEYS) {
    if (device[key] === undefined || device[key] === null) {
      delete device[key];
      continue;
    }
    if (typeof device[key] !== 'string') errors.push(`${key}: must be a string (received ${JSON.stringify(device[key])})`);
  }
  const normalise = (key: 'mac' | 'ip', norm: (v: string) => string) => {
    if (typeof device[key] !== 'string') return;
    try {
      device[key] = norm(device[key] as string);
    } catch (err) {
      errors.push(`${key}: ${isProvdError(err) ? err.message : String(err)}`);
    }
  };
  normalise('mac', normMac);
  normalise('ip', normIp);
  if (device.options !== undefined && (typeof device.options !== 'object' || device.options === null || Array.isArray(device.options))) {
    errors.push('options: must be an object');
  }
  if (device.is_new !== undefined && typeof device.is_new !== 'boolean') errors.push('is_new: must be true or false');
  if (device.plugin_pinned !== undefined && typeof device.plugin_pinned !== 'boolean') errors.push('plugin_pinned: must be true or false');
  return errors.length > 0 ? { errors } : { device: device as Partial<Device> };
}
