import type { DevInfo } from '../types/device';
import type { DeviceSupport } from './device-support';

/** Scores how well a plugin supports a device from what identification learned about it. */
export interface PgAssociator {
  /** Returns a {@link DeviceSupport} score for `devInfo`. Must not throw; the host skips a plugin that does. */
  associate(devInfo: DevInfo): DeviceSupport;
}
