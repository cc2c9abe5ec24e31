import { isProvdError, normIp, normMac, type Device } from '@provd/sdk';
import { hostError } from '../errors';

const OPTIONAL_STRINGS = ['version', 'sn', 'uuid', 'id', 'config', 'description'] as const;

/**
 * Turns one device object given to `provd render` into the {@link Device} a plugin configures: `mac` is required
 * and normalised (e.g. `00:0f:d3:05:48:48`), `vendor` and `model` must be strings, `version` and `ip` are optional
 * (`ip` normalised), and `id` defaults to the MAC without separators. Other keys pass through. Throws
 * `PROVD_CLI_INVALID_DEVICE` naming the file and the device's position (`key`) with every problem.
 *
 * @example
 * ```ts
 * toRenderDevice({ mac: '000FD3054848', vendor: 'Digium', model: 'D40' }, 'device.json', '$');
 * // { id: '000fd3054848', mac: '00:0f:d3:05:48:48', vendor: 'Digium', model: 'D40' }
 * ```
 */
export function toRenderDevice(value: unknown, file: string, key: string): Device {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw hostError('PROVD_CLI_INVALID_DEVICE', { file, key, errors: ['it is not a JSON object'] });
  }
  const input = value as Record<string, unknown>;
  const errors: string[] = [];
  const device: Record<string, unknown> = { ...input };
  const normalise = (name: 'mac' | 'ip', norm: (v: string) => string) => {
    try {
      device[name] = norm(String(input[name]));
    } catch (err) {
      errors.push(`${name}: ${isProvdError(err) ? err.message : String(err)}`);
    }
  };
  if (typeof input.mac !== 'string') errors.push('mac: is required, as a string such as "00:0f:d3:05:48:48"');
  else normalise('mac', normMac);
  for (const name of ['vendor', 'model'] as const) if (typeof input[name] !== 'string') errors.push(`${name}: is required, as a string`);
  for (const name of OPTIONAL_STRINGS) {
    if (input[name] !== undefined && typeof input[name] !== 'string') errors.push(`${name}: must be a string`);
  }
  if (input.ip !== undefined) {
    if (typeof input.ip !== 'string') errors.push('ip: must be a string such as "10.0.0.5"');
    else normalise('ip', normIp);
  }
  if (errors.length > 0) throw hostError('PROVD_CLI_INVALID_DEVICE', { file, key, errors });
  if (device.id === undefined) device.id = (device.mac as string).replace(/:/g, '');
  return device as unknown as Device;
}
