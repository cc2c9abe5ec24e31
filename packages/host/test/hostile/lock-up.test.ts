import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestDir } from '@provd/test-utils';
import { allDevices, api, AUTOPROV_CONFIG, hostileDir, phoneGet, startHostile, tftpGet, type HostileHost } from './harness';

let dir: TestDir;
let h: HostileHost;

beforeEach(async () => {
  dir = await hostileDir();
  h = await startHostile(dir, { sensitiveLimit: 0 });
});

afterEach(async () => {
  await h.close();
  await dir.cleanup();
});

const mac = (i: number) => `000fd30a${i.toString(16).padStart(4, '0')}`;

describe('phones behind one NAT booting together', () => {
  it('8 parallel first requests from one IP with different MACs all answer, and so do the known phone and the API', async () => {
    const { http, tftp, api: apiPort } = h.host.ports;
    expect((await api(apiPort, 'POST', '/cfg_mgr/configs', { config: AUTOPROV_CONFIG })).status).toBe(201);
    const known = await phoneGet(http, `/Acme/${mac(0)}.cfg`, mac(0));
    expect(known.status).toBe('200');

    const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => phoneGet(http, `/Acme/${mac(i + 1)}.cfg`, mac(i + 1), 8)));
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill('200'));
    for (const r of burst) expect(r.body).toContain('password = autopass');

    // the phone already known at that IP, over HTTP and TFTP, answers at once
    expect((await phoneGet(http, `/Acme/${mac(0)}.cfg`, mac(0), 5)).status).toBe('200');
    const t = await tftpGet(tftp, `Acme/${mac(0)}.cfg`, dir.join('t.cfg'), 5);
    expect(t.code, t.output).toBe(0); // 124 would be: timeout killed it (the request hung)
    expect(t.data).toContain('password = autopass');
    // and API reconfigures of every one of those devices complete
    const devices = await allDevices(apiPort);
    expect(devices).toHaveLength(9);
    for (const d of devices) expect((await api(apiPort, 'POST', '/dev_mgr/reconfigure', { id: d.id }, 5)).status, d.id).toBe(204);
  }, 90_000);
});
