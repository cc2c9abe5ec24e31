/**
 * How well a plugin supports a device, as its {@link PgAssociator} scores it (contract §3.7). Higher is better; the
 * host picks the plugin with the highest score, and only from {@link DeviceSupport.PROBABLE} up.
 */
export const DeviceSupport = {
  /** Known not to be supported. */
  NONE: 0,
  /** Expected not to be supported (e.g. another vendor). */
  IMPROBABLE: 100,
  /** Not enough information, or not interested. */
  UNKNOWN: 200,
  /** Expected to be supported, untested or missing information (e.g. right vendor, unknown model). */
  PROBABLE: 300,
  /** Supported, but incompletely. */
  INCOMPLETE: 400,
  /** Fully supported, a closely similar version (e.g. known model, other firmware version). */
  COMPLETE: 500,
  /** Exactly the targeted device and version. */
  EXACT: 600,
} as const;

/** A support score: one of the {@link DeviceSupport} values (any integer is accepted by the host). */
export type DeviceSupport = number;
