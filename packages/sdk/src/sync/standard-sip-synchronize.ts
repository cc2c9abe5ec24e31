import { reasonOf } from '../association/reason-of';
import { createProvdError } from '../errors/sdk-errors';
import { isProvdError } from '../errors/provd-error';
import type { Device } from '../types/device';
import type { SyncService } from './sync-service';

/**
 * Whether a SIP user name is one the host made up for an auto-provisioned phone (`ap` and 8 more characters), which
 * does not name a real endpoint and so cannot address the phone.
 */
export function isAutoprovPeer(username: string): boolean {
  return username.startsWith('ap') && username.length === 10;
}

/**
 * Asks a SIP phone to fetch its configuration again (contract §7, `standard_sip_synchronize`): a NOTIFY with `event`
 * to the SIP endpoint named by the device's `remote_state_sip_username` when there is one (an autoprov name does not
 * count), otherwise to the device's `ip`. The promise resolves when the sync service has sent the NOTIFY; the phone
 * does not confirm.
 *
 * @param device - The device to synchronize.
 * @param syncService - The host's sync service (`context.services.sync`), `undefined` when it has none.
 * @param event - The NOTIFY event, e.g. `check-sync;reboot=true`. @defaultValue "check-sync"
 * @param extraHeaders - Extra `Name=value` variables for the NOTIFY (e.g. `Content-type=text/plain`).
 * @returns Rejects with a {@link ProvdError}: `PROVD_SYNC_UNAVAILABLE` without a sync service,
 * `PROVD_SYNC_NO_ADDRESS` when the device has neither a usable peer nor an `ip`, `PROVD_SYNC_FAILED` (with the
 * service's error as `cause`) when sending fails; a `ProvdError` from the service is passed on as is.
 * @example
 * ```ts
 * async synchronize(device: Device): Promise<void> {
 *   await standardSipSynchronize(device, this.context.services.sync);
 * }
 * ```
 */
export async function standardSipSynchronize(
  device: Device,
  syncService: SyncService | undefined,
  event = 'check-sync',
  extraHeaders?: readonly string[],
): Promise<void> {
  if (!syncService) throw createProvdError('PROVD_SYNC_UNAVAILABLE', { device: device.id });
  const { ip, remote_state_sip_username: peer } = device;
  const send =
    peer && !isAutoprovPeer(peer)
      ? () => syncService.notifyByPeer(peer, event, extraHeaders)
      : ip
        ? () => syncService.notifyByIp(ip, event, extraHeaders)
        : undefined;
  if (!send) throw createProvdError('PROVD_SYNC_NO_ADDRESS', { device: device.id });
  try {
    await send();
  } catch (err) {
    if (isProvdError(err)) throw err;
    throw createProvdError('PROVD_SYNC_FAILED', { device: device.id, reason: reasonOf(err) }, { cause: err });
  }
}
