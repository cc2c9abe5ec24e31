import { describe, expect, it } from 'vitest';
import { allDevices, api, createDevice, getDevice, hostileCase, phoneGet, tftpGet } from './harness';


const t = hostileCase();

const REAL = '000fd3054848';
const guess = (i: number) => (i === 72 ? REAL : `000fd3a0${i.toString(16).padStart(4, '0')}`);

/** The real phone: known at 127.0.0.1, configured with a SIP password. */
async function realPhone(port: number, extra: Record<string, unknown> = {}): Promise<string> {
  const config = await api(port, 'POST', '/cfg_mgr/configs', { config: { id: 'alice', parent_ids: [], raw_config: { ip: '10.0.0.1', sip_lines: { '1': { username: 'alice', password: 's3cretpw', proxy_ip: '10.0.0.2' } } } } });
  expect(config.status, JSON.stringify(config.json)).toBe(201);
  const { tenant_uuid: tenant, ...fields } = extra as { tenant_uuid?: string };
  const id = await createDevice(port, { mac: '00:0f:d3:05:48:48', ip: '127.0.0.1', vendor: 'Acme', model: 'A1', plugin: 'acme-1', config: 'alice', ...fields }, tenant);
  const device = await getDevice(port, id);
  expect(device.configured).toBe(true);
  if (tenant !== undefined) expect(device.tenant_uuid).toBe(tenant);
  return id;
}

describe('an unknown IP guessing MAC-named sensitive files (open mode, default limit 10 per minute)', () => {
  it('never gets the real phone\'s file, every guess is logged, the limit counts hits and misses, the phone keeps its IP', async () => {
    const h = await t.start();
    const { http, api: apiPort } = h.host.ports;
    const id = await realPhone(apiPort);
    const answers: string[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await phoneGet(http, `/Acme/${guess(i)}.cfg`, guess(i), 5, '127.0.0.2');
      expect(r.body, `guess ${i + 1}`).not.toContain('s3cretpw');
      answers.push(r.status);
    }
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('404'));
    expect(answers.slice(10)).toEqual(Array(90).fill('429'));
    const lines = h.security().filter((l) => l.includes('from 127.0.0.2:') && l.includes('Sensitive file') || l.includes('Rate limit exceeded'));
    expect(lines).toHaveLength(100);
    const devices = (await allDevices(apiPort)) as { id: string; ip?: string }[];
    expect(devices.length).toBeLessThanOrEqual(11); // at most one per request under the limit
    expect(devices.find((d) => d.id === id)?.ip).toBe('127.0.0.1');
    // the real phone, from its own address, still gets its file (its own fetches are no guesses)
    for (let i = 0; i < 12; i++) expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL)).body).toContain('password = s3cretpw');
  }, 120_000);

  it('a first guess that hits, from another IP, is refused (404) and logged, and does not move the phone\'s IP', async () => {
    const h = await t.start();
    const { http, api: apiPort } = h.host.ports;
    const id = await realPhone(apiPort);
    const r = await phoneGet(http, `/Acme/${REAL}.cfg`, REAL, 5, '127.0.0.3');
    expect(r.status).toBe('404');
    expect(r.body).not.toContain('s3cretpw');
    expect(h.security().some((l) => l.includes(`Sensitive file requested for device ${id} from 127.0.0.3: ${REAL}.cfg`))).toBe(true);
    expect(h.security().some((l) => l.includes(`Sensitive file of device ${id} refused from 127.0.0.3`))).toBe(true);
    expect((await getDevice(apiPort, id)).ip).toBe('127.0.0.1');
    // a non-sensitive request from elsewhere does not move it either
    await phoneGet(http, '/Acme/readme.txt', REAL, 5, '127.0.0.3');
    expect((await getDevice(apiPort, id)).ip).toBe('127.0.0.1');
  }, 60_000);

  it('with --trust-request-ip the operator lets requests move IPs (a phone that changed address without DHCP)', async () => {
    const h = await t.start({ trustRequestIp: true });
    const { http, api: apiPort } = h.host.ports;
    const id = await realPhone(apiPort);
    expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL, 5, '127.0.0.3')).body).toContain('password = s3cretpw');
    expect((await getDevice(apiPort, id)).ip).toBe('127.0.0.3');
  }, 60_000);
});

describe('URL-key mode: sensitive files only to requests authenticated for the device', () => {
  const urlKeys = { t1: 'key-of-tenant-1', t2: 'key-of-tenant-2' };

  it('serves the key of the device\'s tenant, refuses another tenant\'s key, no key, and TFTP', async () => {
    const h = await t.start({ urlKeys });
    const { http, tftp, api: apiPort } = h.host.ports;
    const id = await realPhone(apiPort, { tenant_uuid: 't1' });
    expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL)).status).toBe('404');
    expect((await phoneGet(http, `/key-of-tenant-2/Acme/${REAL}.cfg`, REAL)).status).toBe('404');
    const viaTftp = await tftpGet(tftp, `Acme/${REAL}.cfg`, t.dir.join('t.cfg'), 5);
    expect(viaTftp.data ?? '').not.toContain('s3cretpw');
    expect(h.security().some((l) => l.includes(`Sensitive file of device ${id} refused from 127.0.0.1`))).toBe(true);
    expect((await phoneGet(http, `/key-of-tenant-1/Acme/${REAL}.cfg`, REAL, 5, '127.0.0.4')).body).toContain('password = s3cretpw');
    // an authenticated request is trusted: the phone's IP follows it
    expect((await getDevice(apiPort, id)).ip).toBe('127.0.0.4');
    // unauthenticated TFTP guesses create no device
    const before = (await allDevices(apiPort)).length;
    for (let i = 0; i < 3; i++) await tftpGet(tftp, `Acme/${guess(i)}.cfg`, t.dir.join(`g${i}.cfg`), 5);
    expect((await allDevices(apiPort)).length).toBe(before);
  }, 60_000);

  it('with --sensitive-over-tftp, TFTP serves the device\'s own IP only', async () => {
    const h = await t.start({ urlKeys, sensitiveOverTftp: true });
    const { tftp, api: apiPort } = h.host.ports;
    await realPhone(apiPort, { tenant_uuid: 't1' });
    expect((await tftpGet(tftp, `Acme/${REAL}.cfg`, t.dir.join('t.cfg'), 5)).data).toContain('password = s3cretpw');
  }, 60_000);
});
