import type { Device, DevInfo } from '@provd/sdk';

/** How the pipeline looks devices up (on the store's indexes). */
export interface DeviceLookup {
  /** The devices whose `key` equals `value`, sorted by id (by `mac`, `sn` or `uuid`, the first one is enough). */
  findBy(key: 'mac' | 'sn' | 'uuid' | 'ip', value: string): Promise<readonly Device[]>;
}

/**
 * Finds the stored device a request comes from (contract §3.5, default retriever without creation): by MAC, else
 * serial number, else UUID, else IP. By IP, candidates whose `mac`, `vendor` or `model` contradicts `devInfo` are
 * dropped, and only a single remaining candidate is returned. `byIp` false: no look-up by IP (`undefined` instead).
 */
export async function retrieveDevice(devInfo: DevInfo, devices: DeviceLookup, byIp = true): Promise<Device | undefined> {
  for (const key of ['mac', 'sn', 'uuid'] as const) {
    const value = devInfo[key];
    if (value === undefined) continue;
    const found = (await devices.findBy(key, value))[0];
    if (found) return found;
  }
  if (devInfo.ip === undefined || !byIp) return undefined;
  const candidates = (await devices.findBy('ip', devInfo.ip)).filter((device) =>
    (['mac', 'vendor', 'model'] as const).every(
      (key) => device[key] === undefined || devInfo[key] === undefined || device[key] === devInfo[key],
    ),
  );
  return candidates.length === 1 ? candidates[0] : undefined;
}
