import type { Device } from '@provd/sdk';
import type { Store } from '../store/store';

/** The keys a device is found by first (contract §3.5): each names one device, the first by id. */
export type RecentKey = 'mac' | 'sn' | 'uuid';

/** Freezes `value` and everything it holds (a device record as the store returns it: plain JSON). */
function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * The devices the request pipeline found lately by MAC, serial number or UUID, frozen, so that a phone fetching its
 * files again is not read from the store again. Every device write the store announces (from this host, or from
 * another one sharing a PostgreSQL store, as soon as its notification arrives) forgets them all, and a read that
 * raced with such a write is not kept; a write still in flight is under its device's lock, which the pipeline checks
 * before answering from here. Misses are not kept, and at most `max` devices are.
 */
export class RecentDevices {
  /** By key, then value (no key-and-value string to build and hash per look-up). */
  private readonly found = { mac: new Map<string, Readonly<Device>>(), sn: new Map<string, Readonly<Device>>(), uuid: new Map<string, Readonly<Device>>() };
  private generation = 0;

  /** Follows the device writes of `store`. */
  constructor(
    store: Pick<Store, 'watch'>,
    private readonly max = 10_000,
  ) {
    store.watch((change) => {
      if (change.writes.some((write) => write.kind === 'devices')) this.forget();
    });
  }

  /** How many devices are held. */
  get size(): number {
    return this.found.mac.size + this.found.sn.size + this.found.uuid.size;
  }

  /** Forgets every device. */
  forget(): void {
    this.generation++;
    this.clear();
  }

  /** Drops every device held (without telling the reads in flight). */
  private clear(): void {
    this.found.mac.clear();
    this.found.sn.clear();
    this.found.uuid.clear();
  }

  /** The device held for `key` = `value`, if any (shared and frozen). */
  held(key: RecentKey, value: string): Readonly<Device> | undefined {
    return this.found[key].get(value);
  }

  /**
   * The first device (by id) whose `key` equals `value`: the one held, else what `read` finds in the store, kept
   * unless a device write was announced meanwhile. Shared and frozen: copy it before changing anything.
   */
  async first(key: RecentKey, value: string, read: () => Promise<Device | undefined>): Promise<Readonly<Device> | undefined> {
    const held = this.held(key, value);
    if (held) return held;
    const generation = this.generation;
    const device = await read();
    if (device === undefined || generation !== this.generation) return device;
    if (this.size >= this.max) this.clear();
    this.found[key].set(value, deepFreeze(device));
    return device;
  }
}
