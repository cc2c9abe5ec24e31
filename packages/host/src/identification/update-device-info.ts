import type { Device, DevInfo } from '@provd/sdk';

/** The device keys a request may set. */
const INFO_KEYS = ['mac', 'sn', 'ip', 'uuid', 'vendor', 'model', 'version'] as const;

/**
 * Updates `device` in place from what a request told (contract §3.6, `AddInfo` + `Dynamic(['ip', 'version'])`):
 * standard keys the device lacks are added, and `ip` and `version` always follow the request. Non-standard keys of
 * `devInfo` are copied only when they start with `X_` and the device lacks them. Returns whether anything changed.
 */
export function updateDeviceInfo(device: Device, devInfo: DevInfo): boolean {
  return applyDeviceInfo(device, devInfo, true);
}

/**
 * Whether {@link updateDeviceInfo} would change `device` (shared and frozen, say) with what a request told; changes
 * nothing.
 */
export function changesDeviceInfo(device: Readonly<Device>, devInfo: DevInfo): boolean {
  return applyDeviceInfo(device as Device, devInfo, false);
}

/** {@link updateDeviceInfo} when `write`, else only whether it would change anything (telling at the first change). */
function applyDeviceInfo(device: Device, devInfo: DevInfo, write: boolean): boolean {
  const target = device as unknown as Record<string, unknown>;
  let changed = false;
  for (const key of INFO_KEYS) {
    const value = devInfo[key];
    if (typeof value !== 'string' || value === '' || target[key] === value) continue;
    if (key === 'ip' || key === 'version' || target[key] === undefined) {
      if (!write) return true;
      target[key] = value;
      changed = true;
    }
  }
  const told = devInfo as Record<string, unknown>;
  for (const key of Object.keys(told)) {
    const value = told[key];
    if (key.startsWith('X_') && target[key] === undefined && value !== undefined) {
      if (!write) return true;
      target[key] = structuredClone(value);
      changed = true;
    }
  }
  return changed;
}
