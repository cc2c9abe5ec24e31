import { readdir, readFile, rm } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createDevice, fillDisk, getDevice, installAcme, mountTmpfs, phoneGet, startHostile, type HostileHost } from './harness';

let dir: TestDir;
let h: HostileHost | undefined;
let unmount: (() => Promise<void>) | undefined;

beforeEach(async () => {
  dir = await testdir();
  // the plugins folder (the tftpboot folders the plugin writes into) is a small tmpfs the test fills
  unmount = await mountTmpfs(dir.join('plugins'), '4m');
  await installAcme(dir);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await unmount?.();
  await dir.cleanup();
});

const REAL = '000fd3054848';
/** Waits (up to 15 s) until the host has no background job and its status is "ok"; answers the jobs left. */
async function reconfigureIdle(port: number): Promise<unknown[]> {
  let jobs: unknown[] = [];
  for (let i = 0; i < 300; i++) {
    const r = (await api(port, 'GET', '/status')).json.reconfigure;
    jobs = r.jobs;
    if (jobs.length === 0 && r.status === 'ok') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return jobs;
}

const config = (password: string) => ({ id: 'alice', parent_ids: [], raw_config: { ip: '10.0.0.1', sip_lines: { '1': { username: 'alice', password, proxy_ip: '10.0.0.2' } } } });

describe('a full disk while a config change reconfigures devices', () => {
  it('keeps serving the previous files, keeps configured: true, reports the devices (log; 507 for a direct reconfigure), and recovers once there is space', async () => {
    h = await startHostile(dir);
    const { http, api: port } = h.host.ports;
    expect((await api(port, 'POST', '/cfg_mgr/configs', { config: config('old-pass') })).status).toBe(201);
    const id = await createDevice(port, { mac: '00:0f:d3:05:48:48', ip: '127.0.0.1', vendor: 'Acme', model: 'A1', plugin: 'acme-1', config: 'alice' });
    expect((await getDevice(port, id)).configured).toBe(true);
    expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL)).body).toContain('password = old-pass');

    const filler = await fillDisk(dir.join('plugins'));
    // the change is recorded and acknowledged; the devices are reconfigured in the background, where the write fails
    const put = await api(port, 'PUT', '/cfg_mgr/configs/alice', { config: config('new-pass') });
    expect(put.status, JSON.stringify(put.json)).toBe(204);
    for (let i = 0; i < 100 && !h.log.some((l) => l.includes('could not be reconfigured')); i++) await new Promise((r) => setTimeout(r, 50));
    const reported = h.log.find((l) => l.includes('could not be reconfigured'));
    expect(reported, h.log.join('\n')).toContain(id);
    expect(reported).toMatch(/ENOSPC|no space/i);
    expect((await getDevice(port, id)).configured).toBe(true);
    const served = await phoneGet(http, `/Acme/${REAL}.cfg`, REAL);
    expect(served.status).toBe('200');
    expect(served.body).toContain('password = old-pass');
    expect(await readdir(dir.join('plugins', 'acme-1', 'var', 'tftpboot', 'Acme'))).toEqual([`${REAL}.cfg`]); // no temporary file left
    const direct = await api(port, 'POST', '/dev_mgr/reconfigure', { id });
    expect(direct.json.error?.code, JSON.stringify(direct.json)).toBe('PROVD_HOST_RECONFIGURE_FAILED');
    expect(direct.status).toBe(507);

    await rm(filler);
    const again = await api(port, 'POST', '/dev_mgr/reconfigure', { id });
    expect(again.status).toBe(204);
    expect((await getDevice(port, id)).configured).toBe(true);
    expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL)).body).toContain('password = new-pass');
  }, 60_000);
  it('tries the config change again by itself once there is space: /status says why it waits, then the files are new', async () => {
    h = await startHostile(dir);
    const { http, api: port } = h.host.ports;
    expect((await api(port, 'POST', '/cfg_mgr/configs', { config: config('old-pass') })).status).toBe(201);
    const id = await createDevice(port, { mac: '00:0f:d3:05:48:48', ip: '127.0.0.1', vendor: 'Acme', model: 'A1', plugin: 'acme-1', config: 'alice' });
    const file = dir.join('plugins', 'acme-1', 'var', 'tftpboot', 'Acme', `${REAL}.cfg`);
    // the device's own job (created through the API: configured in the background) ends first
    expect(await reconfigureIdle(port)).toEqual([]);
    expect(await readFile(file, 'utf8')).toContain('password = old-pass');

    const filler = await fillDisk(dir.join('plugins'));
    expect((await api(port, 'PUT', '/cfg_mgr/configs/alice', { config: config('new-pass') })).status).toBe(204);
    // the failed batch waits to be tried again: the status names the job, the error and when it tries again
    let status: any;
    for (let i = 0; i < 100; i++) {
      status = (await api(port, 'GET', '/status')).json.reconfigure;
      if (status.status === 'fail') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.status, JSON.stringify(status)).toBe('fail');
    expect(status.jobs).toHaveLength(1);
    expect(status.jobs[0].reason).toContain('alice');
    expect(status.jobs[0].error).toMatch(/could not be written.*(ENOSPC|no space)/i);
    expect(Date.parse(status.jobs[0].retryAt)).toBeGreaterThan(Date.now() - 1000);
    expect(h.log.some((l) => /stopped: .*could not be reconfigured.*; trying again in [\d.]+ s \(failure 1 in a row\)/.test(l)), h.log.join('\n')).toBe(true);
    expect(await readFile(file, 'utf8')).toContain('password = old-pass');

    // space again: no request, no restart; the next try rewrites the file and the job ends
    await rm(filler);
    expect(await reconfigureIdle(port)).toEqual([]);
    expect(await readFile(file, 'utf8')).toContain('password = new-pass');
    expect((await phoneGet(http, `/Acme/${REAL}.cfg`, REAL)).body).toContain('password = new-pass');
    expect((await getDevice(port, id)).configured).toBe(true);
  }, 60_000);
});
