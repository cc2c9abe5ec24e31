import { readFile, stat } from 'node:fs/promises';
import { get } from 'node:http';
import { isProvdError } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProvisioningApp } from '../src/app/index';
import { ProvisioningHttpServer } from '../src/http/index';
import { TftpServer } from '../src/tftp/index';
import { AcmePlugin, MemoryPluginHost } from './serve-test-plugins';
import { run } from './serve-helpers';

let dir: TestDir;
let host: MemoryPluginHost;
let app: ProvisioningApp;
let logs: string[];
let security: string[];
const plugin = (id = 'acme-1') => host.loaded().get(id) as AcmePlugin;

async function openApp(extra: Partial<Parameters<typeof ProvisioningApp.open>[0]> = {}): Promise<ProvisioningApp> {
  const a = await ProvisioningApp.open({
    dataDir: dir.join('data'),
    plugins: host,
    baseRawConfig: BASE,
    log: (l) => logs.push(l),
    securityLog: (l) => security.push(l),
    ...extra,
  });
  await a.start();
  return a;
}

const BASE = { http_base_url: 'http://10.0.0.1:8667', ip: '10.0.0.1', http_port: 8667, tftp_port: 69 };
const line = (username: string) => ({ sip_lines: { '1': { username, password: 'pw', proxy_ip: '10.0.0.2' } } });

beforeEach(async () => {
  dir = await testdir();
  logs = [];
  security = [];
  host = new MemoryPluginHost(
    dir.join('plugins'),
    { 'acme-1': (id, d) => new AcmePlugin(id, d), 'acme-2': (id, d) => new AcmePlugin(id, d) },
    BASE,
  );
  app = await openApp();
  await app.installPlugin('acme-1');
});

afterEach(async () => {
  await app.close();
  await dir.cleanup();
});

describe('devices and configs', () => {
  it('configures a device with its flattened config and records "configured"', async () => {
    await app.insertConfig({ id: 'base', parent_ids: [], raw_config: { ...line('base'), ntp_enabled: true, ntp_ip: '10.0.0.3' } });
    await app.insertConfig({ id: 'phone1', parent_ids: ['base'], raw_config: { sip_lines: { '1': { username: 'alice' } } } });
    const device = await app.insertDevice({ mac: '00-11-22-33-44-55', plugin: 'acme-1', config: 'phone1' });
    expect(device).toMatchObject({ mac: '00:11:22:33:44:55', configured: true });
    await app.reconfigurer.idle();
    const file = await readFile(`${plugin().tftpbootDir}/acme/001122334455.cfg`, 'utf8');
    expect(file).toContain('user=alice\n');
    expect((await app.devices.get(device.id))?.configured).toBe(true);
  });

  it('reconfigures exactly when a reconfigure key changes', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c', version: '1' });
    await app.reconfigurer.idle();
    plugin().calls.length = 0;
    await app.updateDevice({ ...(await app.devices.get(d.id)), ip: '10.0.0.9' });
    expect(plugin().calls).toEqual([]);
    await app.updateDevice({ ...(await app.devices.get(d.id)), version: '2' });
    await app.reconfigurer.idle();
    expect(plugin().calls).toEqual([['deconfigure', d.id], ['configure', d.id]]);
    expect(await app.devices.get(d.id)).toMatchObject({ version: '2', ip: '10.0.0.9', configured: true });
    plugin().calls.length = 0;
    await app.reconfigureDevice(d.id);
    expect(plugin().calls).toEqual([['configure', d.id]]);
  });

  it('leaves a device file whose bytes a reconfigure does not change as it is (inode and mtime: its ETag), and replaces a changed one', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:56', plugin: 'acme-1', config: 'c' });
    await app.reconfigurer.idle();
    const path = `${plugin().tftpbootDir}/acme/001122334456.cfg`;
    const before = await stat(path);
    plugin().calls.length = 0;
    await app.reconfigureDevice(d.id);
    expect(plugin().calls).toEqual([['configure', d.id]]);
    const same = await stat(path);
    expect([same.ino, same.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    await app.updateConfig({ id: 'c', parent_ids: [], raw_config: line('v') });
    await app.reconfigurer.idle();
    expect((await stat(path)).ino).not.toBe(before.ino);
    expect(await readFile(path, 'utf8')).toContain('user=v\n');
  });

  it('gives every device its own raw config: all devices sharing a config stay configured after an update', async () => {
    await app.insertConfig({ id: 'shared', parent_ids: [], raw_config: line('u') });
    const ids = [];
    for (const mac of ['00:00:00:00:00:01', '00:00:00:00:00:02', '00:00:00:00:00:03']) {
      ids.push((await app.insertDevice({ mac, plugin: 'acme-1', config: 'shared' })).id);
    }
    await app.updateConfig({ id: 'shared', parent_ids: [], raw_config: line('v') });
    await app.reconfigurer.idle();
    expect((await app.devices.getMany(ids)).map((d) => d.configured)).toEqual([true, true, true]);
    expect(await readFile(`${plugin().tftpbootDir}/acme/000000000003.cfg`, 'utf8')).toContain('user=v\n');
  });

  it("stores a background job's changed flags without waiting for their fsync, then records the job in a durable commit that covers them", async () => {
    await app.insertConfig({ id: 'shared', parent_ids: [], raw_config: line('u') });
    // stored unconfigured (as imported or generated): the job of the config change flips every flag
    const devices = ['00:00:00:00:00:11', '00:00:00:00:00:12', '00:00:00:00:00:13'].map((mac, i) => ({ id: `flag${i}`, mac, plugin: 'acme-1', config: 'shared', configured: false }));
    await app.store.commit({ writes: devices.map((doc) => ({ op: 'put' as const, kind: 'devices' as const, doc })) });
    const commit = app.store.commit.bind(app.store);
    const seen: Parameters<typeof commit>[0][] = [];
    app.store.commit = (changes) => (seen.push(changes), commit(changes));
    try {
      await app.updateConfig({ id: 'shared', parent_ids: [], raw_config: line('v') });
      await app.reconfigurer.idle();
    } finally {
      app.store.commit = commit;
    }
    expect((await app.devices.getMany(devices.map((d) => d.id))).map((d) => d.configured)).toEqual([true, true, true]);
    const flagged = seen.flatMap((c, at) => (c.writes?.some((w) => w.op === 'fields' && 'configured' in w.fields) ? [{ c, at }] : []));
    expect(flagged.flatMap(({ c }) => c.writes ?? []).map((w) => (w.op === 'fields' ? w.id : '')).sort()).toEqual(['flag0', 'flag1', 'flag2']);
    for (const { c } of flagged) expect(c.deferSync).toBe(true);
    // the job's record past them (its progress or its finish) comes after and waits for the disk: a power loss before
    // it runs the job, and writes the flags, again
    const last = Math.max(...flagged.map((f) => f.at));
    expect(seen.slice(last + 1).some((c) => ((c.progress?.length ?? 0) > 0 || (c.finished?.length ?? 0) > 0) && c.deferSync !== true)).toBe(true);
  });

  it('sets "configured" to false when configure throws, and refreshes it for descendants of a deleted config', async () => {
    plugin().failModel = 'Bad';
    await app.insertConfig({ id: 'p', parent_ids: [], raw_config: line('u') });
    await app.insertConfig({ id: 'child', parent_ids: ['p'], raw_config: {} });
    const bad = await app.insertDevice({ mac: '00:00:00:00:00:01', plugin: 'acme-1', config: 'p', model: 'Bad' });
    await app.reconfigurer.idle();
    // Predicted at the commit, corrected once the plugin failed.
    expect(bad.configured).toBe(true);
    expect((await app.devices.get(bad.id))?.configured).toBe(false);
    const onParent = await app.insertDevice({ mac: '00:00:00:00:00:02', plugin: 'acme-1', config: 'p' });
    const onChild = await app.insertDevice({ mac: '00:00:00:00:00:03', plugin: 'acme-1', config: 'child' });
    expect([onParent.configured, onChild.configured]).toEqual([true, true]);
    await app.deleteConfig('p');
    await app.reconfigurer.idle();
    expect((await app.devices.get(onParent.id))?.configured).toBe(false);
    expect((await app.devices.get(onChild.id))?.configured).toBe(true);
  });

  it('validates configs and devices with clear errors', async () => {
    const cases: [unknown, string][] = [
      [{ id: 'x', raw_config: {} }, 'parent_ids'],
      [{ id: 'x', parent_ids: ['nope'], raw_config: {} }, 'no config "nope"'],
      [{ id: 'x', parent_ids: [], raw_config: { sip_transport: 'TLS' } }, 'raw_config.sip_transport'],
      [{ id: 'x', parent_ids: [], raw_config: { XX_var: 1 } }, 'XX_'],
      [{ id: '../x', parent_ids: [], raw_config: {} }, 'not a valid config id'],
    ];
    for (const [input, text] of cases) {
      const err = await app.insertConfig(input).catch((e: unknown) => e);
      expect(isProvdError(err), JSON.stringify(input)).toBe(true);
      expect((err as Error).message).toContain(text);
    }
    const err = await app.insertDevice({ mac: 'zz' }).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_HOST_INVALID_DEVICE')).toBe(true);
    await app.insertConfig({ id: 'dev', X_type: 'device', parent_ids: [], raw_config: { X_a: null, sip_lines: { '1': { username: 'u', password: null } } } });
    expect((await app.configs.get('dev'))?.raw_config).toEqual({ sip_lines: { '1': { username: 'u' } } });
    const loop = await app.updateConfig({ id: 'dev', parent_ids: ['dev'], raw_config: {} }).catch((e: unknown) => e);
    expect(isProvdError(loop, 'PROVD_HOST_INVALID_CONFIG')).toBe(true);
  });

  it('keeps the record of a device whose plugin is uninstalled, not configured', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c' });
    const before = plugin();
    await app.uninstallPlugin('acme-1');
    expect(before.calls.slice(-2)).toEqual([['deconfigure', d.id], ['close', 'acme-1']]);
    expect(await app.devices.get(d.id)).toMatchObject({ plugin: 'acme-1', configured: false });
    await app.installPlugin('acme-1');
    await app.reconfigurer.idle();
    expect((await app.devices.get(d.id))?.configured).toBe(true);
  });

  it('configures nothing with a plugin once its uninstall began: a device changed meanwhile is stored not configured', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u') });
    const first = await app.insertDevice({ mac: '00:11:22:33:44:01', plugin: 'acme-1', config: 'c' });
    const second = await app.insertDevice({ mac: '00:11:22:33:44:02', plugin: 'acme-1', config: 'c' });
    await app.reconfigurer.idle();
    const leaving = plugin();
    let open!: () => void;
    leaving.deconfigureGate = new Promise((resolve) => (open = resolve));
    const since = leaving.calls.length;
    const uninstalled = app.uninstallPlugin('acme-1');
    while (!leaving.calls.slice(since).some(([call]) => call === 'deconfigure')) await new Promise((r) => setTimeout(r, 5));
    // the uninstall waits in the deconfigure of one device; the other one changes, which records a device job
    const [waiting] = leaving.calls.slice(since).find(([call]) => call === 'deconfigure')!.slice(1) as string[];
    const changed = waiting === first.id ? second : first;
    const stored = await app.updateDevice({ ...(await app.devices.get(changed.id)), version: '9' });
    expect(stored.configured).toBe(false);
    await new Promise((r) => setTimeout(r, 150)); // past the hold-back of one-device jobs
    open();
    await uninstalled;
    await app.reconfigurer.idle();
    const after = leaving.calls.slice(since).map(([call]) => call);
    expect(after).not.toContain('configure');
    expect(after.at(-1)).toBe('close');
    expect((await app.devices.getMany([first.id, second.id])).map((d) => [d.configured, d.version])).toEqual(
      [first, second].map((d) => [false, d.id === changed.id ? '9' : undefined]),
    );
    expect(host.loaded().has('acme-1')).toBe(false);
  });

  it('synchronizes only configured devices, through their plugin', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c' });
    await app.synchronizeDevice(d.id);
    expect(plugin().calls.at(-1)).toEqual(['synchronize', d.id]);
    const other = await app.insertDevice({ mac: '00:11:22:33:44:66' });
    expect(isProvdError(await app.synchronizeDevice(other.id).catch((e: unknown) => e), 'PROVD_HOST_DEVICE_NOT_CONFIGURED')).toBe(true);
  });

  it('calls configureCommon with the base raw config at load', () => {
    expect(plugin().calls[0]).toEqual(['configureCommon', 'acme-1', { http_base_url: 'http://10.0.0.1:8667', ip: '10.0.0.1', http_port: 8667, tftp_port: 69 }]);
  });
});

describe('identification on every request', () => {
  it('creates a device from DHCP information and associates the plugin', async () => {
    const device = await app.dhcpCommit({ ip: '10.0.0.50', mac: '00:11:22:33:44:55', options: { 60: 'acme_A1' } });
    expect(device).toMatchObject({ ip: '10.0.0.50', mac: '00:11:22:33:44:55', vendor: 'Acme', model: 'A1', plugin: 'acme-1', added: 'auto' });
    expect(security.some((l) => l.includes(`New device created automatically from 10.0.0.50: ${device!.id}`))).toBe(true);
  });

  it('gives an auto-created device a transient child of the autocreate config, and serves its file', async () => {
    await app.insertConfig({ id: 'autoprov', role: 'autocreate', parent_ids: [], raw_config: line('ap12345678') });
    const result = await app.process({ path: '/acme/00aabbccddee.cfg', headers: {}, clientIp: '10.0.0.7' }, 'http');
    expect(result.device).toMatchObject({ mac: '00:aa:bb:cc:dd:ee', ip: '10.0.0.7', plugin: 'acme-1', configured: true });
    expect(result.device?.config).toMatch(/^autoprov-/);
    expect(await app.configs.get(result.device!.config!)).toMatchObject({ transient: true, parent_ids: ['autoprov'] });
    await app.deleteDevice(result.device!.id);
    expect(await app.configs.get(result.device!.config!)).toBeUndefined();
  });

  it('gives a new phone the device another writer created for its MAC after its look-up, not a second one', async () => {
    // another host sharing the store (or a client) creates the device while the request is being identified: right
    // after its look-ups by MAC found nothing, when the locked path looks its IP up
    const find = app.store.devices.find;
    let other: string | undefined;
    app.store.devices.find = async (selector, options) => {
      if (other === undefined && selector?.ip === '10.0.0.70') {
        other = 'made-elsewhere';
        await app.store.commit({ writes: [{ op: 'put', kind: 'devices', doc: { id: other, mac: '00:aa:bb:cc:dd:70', plugin: 'acme-1' }, expect: 'absent' }] });
      }
      return find(selector, options);
    };
    try {
      const result = await app.process({ path: '/acme/00aabbccdd70.cfg', headers: {}, clientIp: '10.0.0.70' }, 'http');
      expect(other).toBe('made-elsewhere');
      expect(result.device?.id).toBe('made-elsewhere');
      expect((await app.devices.find({ mac: '00:aa:bb:cc:dd:70' })).items.map((d) => d.id)).toEqual(['made-elsewhere']);
      expect(logs.filter((l) => l.includes('could not create a device'))).toEqual([]);
    } finally {
      app.store.devices.find = find;
    }
    // and a new phone still gets a device of its own, once
    const fresh = await Promise.all([1, 2, 3].map(() => app.process({ path: '/acme/00aabbccdd71.cfg', headers: {}, clientIp: '10.0.0.71' }, 'http')));
    expect(new Set(fresh.map((r) => r.device?.id)).size).toBe(1);
    expect(fresh[0]!.device).toMatchObject({ mac: '00:aa:bb:cc:dd:71', ip: '10.0.0.71', plugin: 'acme-1', added: 'auto' });
    expect((await app.devices.find({ mac: '00:aa:bb:cc:dd:71' })).total).toBe(1);
  });

  it("answers a new phone's file request before its device's commit, and its next request finds that device", async () => {
    // (no job pending: the plugin's install job done)
    await app.reconfigurer.idle();
    // the store's commits wait at a gate: what is answered before it opens did not wait for its commit
    const commit = app.store.commit.bind(app.store);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let held = 0;
    app.store.commit = async (changes) => {
      if (changes.writes?.some((w) => w.kind === 'devices')) {
        held++;
        await gate;
      }
      return commit(changes);
    };
    const ask = (mac: string, ip: string) => app.locateFile({ path: `/acme/${mac}.cfg`, headers: {}, clientIp: ip }, 'http');
    try {
      const first = await ask('00aabbccdd80', '10.0.0.80');
      expect(held).toBe(1);
      expect(first).toMatchObject({ plugin: 'acme-1' });
      expect('root' in first).toBe(true);
      // a second request of its MAC waits for the creation (its identity's lock), and finds that device
      let second: Awaited<ReturnType<typeof ask>> | undefined;
      const asking = ask('00aabbccdd80', '10.0.0.80').then((l) => (second = l));
      await new Promise((r) => setTimeout(r, 50));
      expect(second).toBeUndefined();
      expect((await app.devices.find({ mac: '00:aa:bb:cc:dd:80' })).total).toBe(0);
      open();
      await asking;
      expect(second?.device).toBe(first.device);
      expect((await app.devices.find({ mac: '00:aa:bb:cc:dd:80' })).items).toMatchObject([{ id: first.device, added: 'auto', plugin: 'acme-1', configured: false }]);
    } finally {
      app.store.commit = commit;
    }
  });

  it('makes a new phone whose device gets a file wait for its commit: its first request is served that file', async () => {
    await app.insertConfig({ id: 'autoprov', role: 'autocreate', parent_ids: [], raw_config: line('ap12345678') });
    const commit = app.store.commit.bind(app.store);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    app.store.commit = async (changes) => {
      if (changes.writes?.some((w) => w.kind === 'devices' && w.op === 'put' && (w.doc as { added?: string }).added === 'auto')) await gate;
      return commit(changes);
    };
    try {
      let location: Awaited<ReturnType<typeof app.locateFile>> | undefined;
      const asking = app.locateFile({ path: '/acme/00aabbccdd81.cfg', headers: {}, clientIp: '10.0.0.81' }, 'http').then((l) => (location = l));
      await new Promise((r) => setTimeout(r, 50));
      expect(location).toBeUndefined();
      open();
      await asking;
      const device = (await app.devices.find({ mac: '00:aa:bb:cc:dd:81' })).items[0]!;
      expect(location).toMatchObject({ device: device.id, plugin: 'acme-1' });
      expect(device).toMatchObject({ configured: true });
      expect(device.config).toMatch(/^autoprov-/);
    } finally {
      app.store.commit = commit;
    }
  });

  it('picks the best plugin, the highest id on a tie, and retrieves by IP when no MAC is known', async () => {
    await app.installPlugin('acme-2');
    const byDhcp = await app.dhcpCommit({ ip: '10.0.0.8', mac: '00:11:22:33:44:77', options: { 60: 'acme_A1' } });
    expect(byDhcp?.plugin).toBe('acme-2');
    const byIp = await app.process({ filename: 'acme/x.cfg', options: {}, address: { ip: '10.0.0.8', port: 1000 } }, 'tftp');
    expect(byIp.device?.id).toBe(byDhcp?.id);
  });

  it('takes the IP away from other devices when a device shows up with it', async () => {
    const a = await app.dhcpCommit({ ip: '10.0.0.9', mac: '00:11:22:33:44:01', options: {} });
    await app.dhcpCommit({ ip: '10.0.0.9', mac: '00:11:22:33:44:02', options: {} });
    expect((await app.devices.get(a!.id))?.ip).toBeUndefined();
  });

  it('records the SIP user of line 1 when the device fetches its trigger file', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('alice') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c' });
    await app.process({ path: '/acme/001122334455.cfg', headers: {}, clientIp: '10.0.0.10' }, 'http');
    expect((await app.devices.get(d.id))?.remote_state_sip_username).toBe('alice');
  });

  it('answers fetches that change nothing from the stored device, and a fetch during a change of the device after it', async () => {
    await app.insertConfig({ id: 'c1', parent_ids: [], raw_config: line('alice') });
    await app.insertConfig({ id: 'c2', parent_ids: [], raw_config: line('bob') });
    const d = await app.insertDevice({ mac: '00:11:22:33:44:55', ip: '10.0.0.10', plugin: 'acme-1', config: 'c1' });
    await app.reconfigurer.idle();
    const ask = (clientIp = '10.0.0.10') => app.process({ path: '/acme/001122334455.cfg', headers: {}, clientIp }, 'http');
    await ask(); // records the SIP user (remote state)
    const stored = (await app.devices.get(d.id))!;
    const rev = await app.store.revision('devices', d.id);
    for (let i = 0; i < 3; i++) expect((await ask()).device).toEqual(stored);
    // its sensitive file from another address: refused and logged, the device's IP kept
    expect(await ask('10.0.0.99')).toEqual({ denied: true });
    expect(await app.store.revision('devices', d.id)).toBe(rev);
    expect(security.filter((l) => l.includes(`Sensitive file requested for device ${d.id} from 10.0.0.10: 001122334455.cfg`))).toHaveLength(4);
    expect(security.filter((l) => l.includes(`Sensitive file of device ${d.id} refused from 10.0.0.99`))).toHaveLength(1);
    // the change holds the device's lock from the call on: the fetch waits for it, then gets the changed device
    const update = app.updateDevice({ ...stored, config: 'c2' });
    const during = ask();
    await update;
    expect((await during).device).toMatchObject({ id: d.id, config: 'c2' });
    expect(await readFile(`${plugin().tftpbootDir}/acme/001122334455.cfg`, 'utf8')).toContain('user=bob');
    expect((await ask()).device).toMatchObject({ id: d.id, config: 'c2' }); // nothing of the old device is kept
    await app.deleteDevice(d.id);
    expect((await ask()).device?.id).not.toBe(d.id); // a new device (auto-created) for the MAC
  });

  it('logs sensitive files asked by unknown devices and rate-limits them per client IP', async () => {
    await app.close();
    app = await openApp({ autoCreate: false, sensitiveLimit: { limit: 3, windowMs: 60_000 } });
    const ask = (ip: string) => app.httpRoute({ path: '/x/001122334455.cfg', segments: ['x', '001122334455.cfg'], headers: {}, clientIp: ip });
    expect(await ask('10.0.0.66')).toEqual({ status: 404, message: 'not found' });
    await ask('10.0.0.66');
    await ask('10.0.0.66');
    expect(await ask('10.0.0.66')).toEqual({ status: 429, message: 'too many requests' });
    expect(await ask('10.0.0.67')).toEqual({ status: 404, message: 'not found' });
    expect(security.filter((l) => /provd-security: Sensitive file requested by unknown device from 10\.0\.0\.66: 001122334455\.cfg$/.test(l))).toHaveLength(3);
    expect(security.some((l) => l.includes('Rate limit exceeded for sensitive files from 10.0.0.66'))).toBe(true);
  });
});

describe('serving configured phones over HTTP and TFTP', () => {
  it('serves 200 phones fetching at once each their own whole file while their config is rewritten', async () => {
    // 200 sensitive files from one address: past the default rate limit, which counts hits too
    await app.close();
    app = await openApp({ sensitiveLimit: { limit: 0, windowMs: 60_000 } });
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('u1') });
    const macs = Array.from({ length: 200 }, (_, i) => `00:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`);
    for (const mac of macs) await app.insertDevice({ mac, plugin: 'acme-1', config: 'c' });
    const http = new ProvisioningHttpServer({ port: 0, route: (req) => app.httpRoute(req) });
    await http.start();
    const fetch1 = (mac: string) =>
      new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port: http.port, path: `/acme/${mac.replaceAll(':', '')}.cfg`, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    const rewrite = app.updateConfig({ id: 'c', parent_ids: [], raw_config: line('u2') });
    const bodies = await Promise.all(macs.map(fetch1));
    await rewrite;
    await app.reconfigurer.idle();
    bodies.forEach((body, i) => {
      expect(body.startsWith(`mac=${macs[i]}\nuser=u`)).toBe(true);
      expect(body.endsWith(`end=${macs[i]}\n`)).toBe(true);
    });
    await http.close();
  }, 120_000);

  it('serves a configured phone over TFTP with curl and tftp-hpa, and nothing to an unknown one', async () => {
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: line('alice') });
    await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c', ip: '127.0.0.1' });
    const tftp = new TftpServer({ port: 0, handler: (req) => app.tftpReply(req) });
    await tftp.start();
    const r = await run('curl', ['-sS', `tftp://127.0.0.1:${tftp.port}/acme/001122334455.cfg`]);
    expect(r.stdout).toContain('user=alice\n');
    const out = dir.join('hpa.cfg');
    await run('tftp', ['-m', 'binary', '127.0.0.1', String(tftp.port), '-c', 'get', 'acme/001122334455.cfg', out]);
    expect(await readFile(out, 'utf8')).toContain('user=alice\n');
    const traversal = await run('curl', ['-sS', `tftp://127.0.0.1:${tftp.port}/acme/../../../../etc/passwd`]);
    expect(traversal.code).not.toBe(0);
    await tftp.close();
  });
});
