import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RecentDevices } from '../src/app/recent-devices';
import { SqliteStore } from '../src/store/sqlite-store';
import type { DeviceRecord, Store } from '../src/store/store';

let dir: TestDir;
let store: Store;

beforeEach(async () => {
  dir = await testdir();
  store = await SqliteStore.open(dir.join('data'), { hostId: 'host-1' });
});

afterEach(async () => {
  await store.close();
  await dir.cleanup();
});

const MAC = '00:11:22:33:44:55';

describe('devices found lately (the request pipeline)', () => {
  it('reads a device once, frozen, and again after any device write the store announces', async () => {
    await store.put('devices', { id: 'a', mac: MAC, ip: '10.0.0.1' } as DeviceRecord);
    const recent = new RecentDevices(store);
    let reads = 0;
    const read = async () => (reads++, store.devices.findOne({ mac: MAC }));
    const first = await recent.first('mac', MAC, read);
    expect(first).toEqual({ id: 'a', mac: MAC, ip: '10.0.0.1' });
    expect(Object.isFrozen(first)).toBe(true);
    expect(await recent.first('mac', MAC, read)).toBe(first);
    expect(reads).toBe(1);
    // a write of another device forgets it too (a new device could now be the first with that MAC)
    await store.put('devices', { id: 'b', mac: '00:11:22:33:44:66' } as DeviceRecord);
    expect(recent.size).toBe(0);
    await store.put('devices', { id: 'a', mac: MAC, ip: '10.0.0.2' } as DeviceRecord);
    expect((await recent.first('mac', MAC, read))?.ip).toBe('10.0.0.2');
    expect(reads).toBe(2);
  });

  it('keeps neither a miss nor a read that raced with a device write', async () => {
    const recent = new RecentDevices(store);
    expect(await recent.first('mac', MAC, () => store.devices.findOne({ mac: MAC }))).toBeUndefined();
    expect(recent.size).toBe(0);
    await store.put('devices', { id: 'a', mac: MAC } as DeviceRecord);
    const raced = await recent.first('mac', MAC, async () => {
      const device = await store.devices.findOne({ mac: MAC });
      await store.put('devices', { id: 'a', mac: MAC, ip: '10.0.0.3' } as DeviceRecord);
      return device;
    });
    expect(raced?.ip).toBeUndefined();
    expect(recent.size).toBe(0);
    expect((await recent.first('mac', MAC, () => store.devices.findOne({ mac: MAC })))?.ip).toBe('10.0.0.3');
  });

  it('holds at most its bound', async () => {
    const recent = new RecentDevices(store, 2);
    for (const sn of ['s1', 's2', 's3']) await recent.first('sn', sn, async () => ({ id: sn, sn }) as DeviceRecord);
    expect(recent.size).toBeLessThanOrEqual(2);
  });
});
