import { describe, expect, it } from 'vitest';
import { createProvdError } from '../errors/sdk-errors';
import type { Device } from '../types/device';
import { isAutoprovPeer, standardSipSynchronize } from './standard-sip-synchronize';
import type { SyncService } from './sync-service';

/** A sync service that records every NOTIFY it is asked to send, and can be made to fail. */
class RecordingSyncService implements SyncService {
  readonly type = 'recording';
  readonly sent: [string, string, string, readonly string[] | undefined][] = [];
  failure: unknown;

  async notifyByIp(ip: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    this.record('ip', ip, event, extraHeaders);
  }

  async notifyByPeer(peer: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    this.record('peer', peer, event, extraHeaders);
  }

  private record(by: string, to: string, event: string, extraHeaders?: readonly string[]): void {
    if (this.failure !== undefined) throw this.failure;
    this.sent.push([by, to, event, extraHeaders]);
  }
}

describe('standardSipSynchronize (contract §7, §11.7)', () => {
  it('notifies the peer named by remote_state_sip_username with check-sync', async () => {
    const sync = new RecordingSyncService();
    await standardSipSynchronize({ id: 'a', remote_state_sip_username: 'foobar', ip: '10.0.0.5' }, sync);
    expect(sync.sent).toEqual([['peer', 'foobar', 'check-sync', undefined]]);
  });

  it('notifies by IP when the peer is an autoprov one (ap + 8 characters)', async () => {
    const sync = new RecordingSyncService();
    await standardSipSynchronize({ id: 'a', remote_state_sip_username: 'ap12345678', ip: '10.0.0.5' }, sync);
    expect(sync.sent).toEqual([['ip', '10.0.0.5', 'check-sync', undefined]]);
  });

  it('still uses a peer that starts with ap but is not 10 characters long', async () => {
    const sync = new RecordingSyncService();
    await standardSipSynchronize({ id: 'a', remote_state_sip_username: 'ap1234567', ip: '10.0.0.5' }, sync);
    await standardSipSynchronize({ id: 'a', remote_state_sip_username: 'apple-12345', ip: '10.0.0.5' }, sync);
    expect(sync.sent.map(([by, to]) => [by, to])).toEqual([
      ['peer', 'ap1234567'],
      ['peer', 'apple-12345'],
    ]);
  });

  it('notifies by IP without a peer, passing the event and extra headers', async () => {
    const sync = new RecordingSyncService();
    const headers = ['Content-type=text/plain', 'Content=action=restart'];
    await standardSipSynchronize({ id: 'a', ip: '10.0.0.5' }, sync, 'service-control', headers);
    await standardSipSynchronize({ id: 'a', ip: '10.0.0.5', remote_state_sip_username: '' }, sync, 'check-sync;reboot=true');
    expect(sync.sent).toEqual([
      ['ip', '10.0.0.5', 'service-control', headers],
      ['ip', '10.0.0.5', 'check-sync;reboot=true', undefined],
    ]);
  });

  it('fails with PROVD_SYNC_UNAVAILABLE naming the device when the host has no sync service', async () => {
    const device: Device = { id: 'dev-1', ip: '10.0.0.5' };
    await expect(standardSipSynchronize(device, undefined)).rejects.toMatchObject({
      code: 'PROVD_SYNC_UNAVAILABLE',
      device: 'dev-1',
      message: expect.stringContaining('"dev-1"'),
    });
  });

  it('fails with PROVD_SYNC_NO_ADDRESS when there is neither a peer nor an IP', async () => {
    const sync = new RecordingSyncService();
    await expect(standardSipSynchronize({ id: 'a' }, sync)).rejects.toMatchObject({
      code: 'PROVD_SYNC_NO_ADDRESS',
      device: 'a',
      message: expect.stringContaining('not enough information to synchronize device "a"'),
    });
    await expect(standardSipSynchronize({ id: 'a', remote_state_sip_username: 'ap12345678' }, sync)).rejects.toMatchObject(
      { code: 'PROVD_SYNC_NO_ADDRESS' },
    );
    expect(sync.sent).toEqual([]);
  });

  it('wraps a failure of the sync service in PROVD_SYNC_FAILED with the cause', async () => {
    const sync = new RecordingSyncService();
    const cause = new Error('EHOSTUNREACH');
    sync.failure = cause;
    await expect(standardSipSynchronize({ id: 'a', ip: '10.0.0.5' }, sync)).rejects.toMatchObject({
      code: 'PROVD_SYNC_FAILED',
      device: 'a',
      cause,
      message: expect.stringContaining('Error: EHOSTUNREACH'),
    });
  });

  it('wraps a sync service that throws synchronously', async () => {
    const sync: SyncService = {
      type: 'broken',
      notifyByIp: () => {
        throw new Error('sync throw');
      },
      notifyByPeer: () => Promise.resolve(),
    };
    await expect(standardSipSynchronize({ id: 'a', ip: '10.0.0.5' }, sync)).rejects.toMatchObject({
      code: 'PROVD_SYNC_FAILED',
    });
  });

  it('passes on a ProvdError of the sync service as is', async () => {
    const sync = new RecordingSyncService();
    sync.failure = createProvdError('PROVD_INVALID_IP', { value: 'x', key: 'ip' });
    await expect(standardSipSynchronize({ id: 'a', ip: 'x' }, sync)).rejects.toBe(sync.failure);
  });
});

describe('isAutoprovPeer', () => {
  it.each([
    ['ap12345678', true],
    ['apabcdefgh', true],
    ['ap1234567', false],
    ['ap123456789', false],
    ['xp12345678', false],
    ['AP12345678', false],
  ])('%j → %s', (name, expected) => {
    expect(isAutoprovPeer(name)).toBe(expected);
  });
});
