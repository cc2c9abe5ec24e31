import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl, HostParameters, type ApiServer } from '../src/api/index';
import type { ProvisioningApp } from '../src/app/index';
import { apiCall, startTestApi, waitOperation as waitForOperation, type ApiCallOptions, type TestApi } from './api-helpers';
import { AcmePlugin } from './serve-test-plugins';
import { TEST_ENGINES, testStore } from './store-helpers';

const TOP = '00000000-0000-4000-8000-000000000001';
const A = '00000000-0000-4000-8000-00000000000a';
const A1 = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-00000000000b';
const ROOT = 'root-token-0123456789';
const TOKEN_A = 'tenant-a-token-0123456789';
const TOKEN_B = 'tenant-b-token-0123456789';
const READER = 'reader-token-0123456789';

describe.each(TEST_ENGINES)('the REST API on the %s store', (engine) => {
  let dir: TestDir;
  let app: ProvisioningApp;
  let api: ApiServer;
  let parameters: HostParameters;
  let testApi: TestApi;
  let nat: boolean | undefined;
  let pluginServer: string | undefined;
  let store: Awaited<ReturnType<typeof testStore>>;

  beforeAll(async () => {
    dir = await testdir();
    const values: Record<string, string | null> = { switchboard: null };
    const configure = {
      description: [['switchboard', 'The switchboard mode (on or off)']] as const,
      get: (name: string) => values[name],
      set: (name: string, value: string | null) => {
        if (value !== null && value !== 'on' && value !== 'off') throw new Error('switchboard is "on" or "off"');
        values[name] = value;
      },
    };
    store = await testStore(engine, dir.join('data'));
    testApi = await startTestApi(
      dir.path,
      {
        'acme-1': (id, d) => new AcmePlugin(id, d),
        'acme-cfg-1': (id, d) => Object.assign(new AcmePlugin(id, d), { services: { configure } }),
        // its install fails once unpacked (configureCommon throws): an operation that fails after its 201
        'broken-1': (id, d) => Object.assign(new AcmePlugin(id, d), { configureCommon: async () => Promise.reject(new Error('its templates are missing')) }),
      },
      {
        file: {
          tenants: [{ uuid: TOP, name: 'master' }, { uuid: A, parent: TOP }, { uuid: A1, parent: A }, { uuid: B, parent: TOP }],
          tokens: [
            { token: ROOT, tenant: TOP, acls: ['provd.#'], name: 'confd' },
            { token: TOKEN_A, tenant: A, acls: ['provd.dev_mgr.#', 'provd.cfg_mgr.#', 'provd.configure.#', 'provd.operation.#'] },
            { token: TOKEN_B, tenant: B, acls: ['provd.dev_mgr.#', 'provd.cfg_mgr.#'] },
            { token: READER, tenant: TOP, acls: ['provd.dev_mgr.devices.read', 'provd.*.read', '!provd.status.read'] },
          ],
        },
      },
      { nat: (on) => (nat = on), pluginServer: (url) => (pluginServer = url) },
      store.location,
    );
    ({ app, api, parameters } = testApi);
  });

  afterAll(async () => {
    await testApi.close();
    await store.drop();
    await dir.cleanup();
  });

  const call = (method: string, path: string, options: ApiCallOptions = {}) => apiCall(api.port, method, path, { token: ROOT, ...options });

  const waitOperation = (location: string) => waitForOperation(api.port, ROOT, location);

  describe('authentication and ACLs', () => {
    it('answers 401 without a token or with an unknown one, 403 without the ACL, 200 with it', async () => {
      const none = await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices');
      expect([none.status, none.json.error.code]).toEqual([401, 'PROVD_API_UNAUTHORIZED']);
      const wrong = await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: 'not-a-token-of-this-host' });
      expect([wrong.status, wrong.json.error.code]).toEqual([401, 'PROVD_API_UNAUTHORIZED']);
      const forbidden = await apiCall(api.port, 'GET', '/0.2/configure', { token: TOKEN_B });
      expect([forbidden.status, forbidden.json.error.code]).toEqual([403, 'PROVD_API_FORBIDDEN']);
      expect(forbidden.json.message).toContain('"provd.configure.read"');
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: TOKEN_B })).status).toBe(200);
      // the ACL names the resource: provd.*.read covers provd.status.read, but the refusal wins
      expect((await apiCall(api.port, 'GET', '/0.2/pg_mgr', { token: READER })).status).toBe(200);
      expect((await apiCall(api.port, 'GET', '/0.2/status', { token: READER })).status).toBe(403);
      expect((await apiCall(api.port, 'POST', '/0.2/cfg_mgr/configs', { token: READER, body: { config: { parent_ids: [], raw_config: {} } } })).status).toBe(403);
      expect((await app.configs.find()).items).toHaveLength(0);
    });

    it('refuses a Wazo-Tenant the token does not own (401), accepts its own and its sub-tenants', async () => {
      const other = await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: TOKEN_A, tenant: B });
      expect([other.status, other.json.error.code]).toEqual([401, 'PROVD_API_UNAUTHORIZED_TENANT']);
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: TOKEN_A, tenant: A1 })).status).toBe(200);
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: ROOT, tenant: B })).status).toBe(200);
    });
  });

  describe('devices, configs and selectors', () => {
    it('creates configs and devices, finds a device by MAC (exactly one) and answers with the established shapes', async () => {
      const reg = await call('POST', '/0.2/cfg_mgr/configs', { body: { config: { id: 'registrar', X_type: 'registrar', parent_ids: [], raw_config: { sip_proxy_ip: '10.0.0.1' } } } });
      expect(reg.status).toBe(201);
      expect(reg.json).toEqual({ id: 'registrar' });
      expect(reg.headers.location).toBe('/0.2/cfg_mgr/configs/registrar');
      expect(reg.headers['content-type']).toBe('application/vnd.proformatique.provd+json');
      const line = await call('POST', '/0.2/cfg_mgr/configs', { body: { config: { parent_ids: ['registrar'], X_type: 'device', raw_config: { sip_lines: { '1': { username: 'bob' } } } } } });
      expect(line.status).toBe(201);
      expect(line.json.id).toMatch(/^[0-9a-f]{32}$/);
      await call('POST', '/0.2/pg_mgr/install/install', { body: { id: 'acme-1' } }).then((r) => waitOperation(r.headers.location!));
      for (const mac of ['00:11:22:33:44:01', '00:11:22:33:44:02', '00:11:22:33:44:03']) {
        const r = await call('POST', '/0.2/dev_mgr/devices', { body: { device: { mac, plugin: 'acme-1', config: line.json.id, model: mac.endsWith('3') ? 'Z' : 'A' } } });
        expect(r.status).toBe(201);
        expect(r.headers.location).toBe(`/0.2/dev_mgr/devices/${r.json.id}`);
      }
      const one = await call('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:11:22:33:44:02"}')}`);
      expect(one.json.devices).toHaveLength(1);
      expect(one.json.devices[0]).toMatchObject({ mac: '00:11:22:33:44:02', configured: true, tenant_uuid: TOP, is_new: true });
      const q64 = Buffer.from(JSON.stringify({ model: { $in: ['Z'] } })).toString('base64');
      expect((await call('GET', `/0.2/dev_mgr/devices?q64=${encodeURIComponent(q64)}`)).json.devices.map((d: any) => d.mac)).toEqual(['00:11:22:33:44:03']);
      const page = await call('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":{"$ne":"00:11:22:33:44:02"}}')}&fields=mac,model&sort=mac&sort_ord=DESC&limit=1&skip=0`);
      expect(page.json.devices).toEqual([{ id: expect.any(String), mac: '00:11:22:33:44:03', model: 'Z' }]);
      expect((await call('GET', `/0.2/cfg_mgr/configs?q=${encodeURIComponent('{"X_type":"registrar"}')}`)).json.configs.map((c: any) => c.id)).toEqual(['registrar']);
      const raw = await call('GET', `/0.2/cfg_mgr/configs/${line.json.id}/raw`);
      expect(raw.json.raw_config).toEqual({ http_base_url: 'http://127.0.0.1:8667', sip_proxy_ip: '10.0.0.1', sip_lines: { '1': { username: 'bob' } } });
    });

    it('refuses bad selectors instead of returning every device', async () => {
      const cases: [string, string][] = [
        ['q={"nope":1}', 'unknown field "nope"'],
        ['q={"mac":', 'not JSON'],
        ['q=[1]', 'JSON object'],
        ['q={"mac":{"$regex":"x"}}', 'unknown operator "$regex"'],
        ['q={"mac":{"$in":"x"}}', '$in on field "mac" takes a list'],
        ['q64=%%%', 'not base64'],
        ['skip=-1', 'whole number'],
        ['sort=mac&sort_ord=UP', 'ASC or DESC'],
        ['recurse=maybe', 'true or false'],
      ];
      for (const [query, reason] of cases) {
        const r = await call('GET', `/0.2/dev_mgr/devices?${query.replace(/[{}"[\]$:,]/g, encodeURIComponent)}`);
        expect([r.status, r.json.error.code], query).toEqual([400, 'PROVD_API_INVALID_SELECTOR']);
        expect(r.json.message, query).toContain(reason);
      }
    });

    it('refuses a device naming an unknown config or plugin, a duplicate MAC or id, a bad MAC', async () => {
      const first = (await app.devices.find({ mac: '00:11:22:33:44:01' })).items[0];
      const cases: [unknown, string][] = [
        [{ mac: '00:11:22:33:44:99', config: 'nope' }, 'config: no config "nope"'],
        [{ mac: '00:11:22:33:44:99', plugin: 'nope-1' }, 'plugin: no installed plugin "nope-1"'],
        [{ mac: '00:11:22:33:44:01' }, 'mac: "00:11:22:33:44:01" is already the MAC address of device'],
        [{ id: first!.id, mac: '00:11:22:33:44:98' }, 'already exists'],
        [{ mac: 'zz' }, 'mac:'],
      ];
      for (const [device, message] of cases) {
        const r = await call('POST', '/0.2/dev_mgr/devices', { body: { device } });
        expect(r.status, JSON.stringify(device)).toBe(400);
        expect(r.json.message, JSON.stringify(device)).toContain(message);
      }
      const put = await call('PUT', `/0.2/dev_mgr/devices/${first!.id}`, { body: { device: { ...first, mac: '00:11:22:33:44:02' } } });
      expect([put.status, put.json.message]).toEqual([400, expect.stringContaining('is already the MAC address')]);
      expect((await app.devices.find()).items).toHaveLength(3);
      // ten clients creating the same phone at once: one gets it, the others a duplicate-MAC refusal
      const racing = await Promise.all(Array.from({ length: 10 }, () => call('POST', '/0.2/dev_mgr/devices', { body: { device: { mac: '00:11:22:33:44:77' } } })));
      expect(racing.map((r) => r.status).sort()).toEqual([201, ...Array(9).fill(400)]);
      expect((await app.devices.find({ mac: '00:11:22:33:44:77' })).items).toHaveLength(1);
      const created = racing.find((r) => r.status === 201)!;
      expect((await call('DELETE', `/0.2/dev_mgr/devices/${created.json.id}`)).status).toBe(204);
    });

    it('checks a device\'s config as it is now: one created or deleted just before counts', async () => {
      const device = (mac: string) => call('POST', '/0.2/dev_mgr/devices', { body: { device: { mac, config: 'late' } } });
      expect((await device('00:11:22:33:55:01')).status).toBe(400); // no config "late" yet (and that was looked up)
      expect((await call('POST', '/0.2/cfg_mgr/configs', { body: { config: { id: 'late', parent_ids: [], raw_config: {} } } })).status).toBe(201);
      const created = await device('00:11:22:33:55:01');
      expect(created.status).toBe(201);
      expect((await call('DELETE', `/0.2/dev_mgr/devices/${created.json.id}`)).status).toBe(204);
      expect((await call('DELETE', '/0.2/cfg_mgr/configs/late')).status).toBe(204);
      const refused = await device('00:11:22:33:55:02');
      expect([refused.status, refused.json.message]).toEqual([400, expect.stringContaining('config: no config "late"')]);
    });

    it('updates, reconfigures and synchronizes (an operation) a device, then deletes it', async () => {
      const device = (await app.devices.find({ mac: '00:11:22:33:44:01' })).items[0]!;
      expect((await call('PUT', `/0.2/dev_mgr/devices/${device.id}`, { body: { device: { ...device, model: 'B', configured: false } } })).status).toBe(204);
      expect((await call('GET', `/0.2/dev_mgr/devices/${device.id}`)).json.device).toMatchObject({ model: 'B', configured: true });
      expect((await call('POST', '/0.2/dev_mgr/reconfigure', { body: { id: device.id } })).status).toBe(204);
      expect((await call('POST', '/0.2/dev_mgr/reconfigure', { body: { id: 'nope' } })).status).toBe(400);
      const sync = await call('POST', '/0.2/dev_mgr/synchronize', { body: { id: device.id } });
      expect(sync.status).toBe(201);
      expect(sync.headers.location).toMatch(/^\/0\.2\/dev_mgr\/synchronize\/\d+$/);
      expect(await waitOperation(sync.headers.location!)).toBe('success');
      expect((await call('DELETE', sync.headers.location!)).status).toBe(204);
      expect((await call('GET', sync.headers.location!)).status).toBe(404);
      expect((await call('DELETE', `/0.2/dev_mgr/devices/${device.id}`)).status).toBe(204);
      expect((await call('GET', `/0.2/dev_mgr/devices/${device.id}`)).status).toBe(404);
      expect((await call('DELETE', '/0.2/cfg_mgr/configs/nope')).status).toBe(404);
    });
  });

  describe('tenants', () => {
    it('keeps tenant A and tenant B apart: neither sees, changes nor deletes the other\'s devices or configs', async () => {
      const mk = async (token: string, id: string, mac: string) => {
        expect((await apiCall(api.port, 'POST', '/0.2/cfg_mgr/configs', { token, body: { config: { id: `cfg-${id}`, parent_ids: ['registrar'], raw_config: {} } } })).status).toBe(201);
        const d = await apiCall(api.port, 'POST', '/0.2/dev_mgr/devices', { token, body: { device: { id: `dev-${id}`, mac, config: `cfg-${id}` } } });
        expect(d.status).toBe(201);
      };
      await mk(TOKEN_A, 'a', '00:aa:00:00:00:01');
      await mk(TOKEN_B, 'b', '00:bb:00:00:00:01');
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: TOKEN_A })).json.devices.map((d: any) => d.id)).toEqual(['dev-a']);
      expect((await apiCall(api.port, 'GET', '/0.2/cfg_mgr/configs', { token: TOKEN_B })).json.configs.map((c: any) => c.id)).toEqual(['cfg-b']);
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices/dev-b', { token: TOKEN_A })).status).toBe(404);
      expect((await apiCall(api.port, 'GET', '/0.2/cfg_mgr/configs/cfg-b', { token: TOKEN_A })).status).toBe(404);
      expect((await apiCall(api.port, 'GET', '/0.2/cfg_mgr/configs/cfg-b/raw', { token: TOKEN_A })).status).toBe(404);
      expect((await apiCall(api.port, 'PUT', '/0.2/dev_mgr/devices/dev-b', { token: TOKEN_A, body: { device: { mac: '00:bb:00:00:00:01', model: 'X' } } })).status).toBe(404);
      expect((await apiCall(api.port, 'PUT', '/0.2/cfg_mgr/configs/cfg-b', { token: TOKEN_A, body: { config: { parent_ids: [], raw_config: {} } } })).status).toBe(404);
      expect((await apiCall(api.port, 'DELETE', '/0.2/dev_mgr/devices/dev-b', { token: TOKEN_A })).status).toBe(404);
      expect((await apiCall(api.port, 'DELETE', '/0.2/cfg_mgr/configs/cfg-b', { token: TOKEN_A })).status).toBe(404);
      expect((await apiCall(api.port, 'POST', '/0.2/dev_mgr/synchronize', { token: TOKEN_A, body: { id: 'dev-b' } })).status).toBe(404);
      expect((await apiCall(api.port, 'POST', '/0.2/dev_mgr/reconfigure', { token: TOKEN_A, body: { id: 'dev-b' } })).status).toBe(400);
      // a device of A cannot take B's config, nor can a config of A inherit from one of B's
      const steal = await apiCall(api.port, 'PUT', '/0.2/dev_mgr/devices/dev-a', { token: TOKEN_A, body: { device: { mac: '00:aa:00:00:00:01', config: 'cfg-b' } } });
      expect([steal.status, steal.json.message]).toEqual([400, expect.stringContaining('no config "cfg-b"')]);
      const inherit = await apiCall(api.port, 'POST', '/0.2/cfg_mgr/configs', { token: TOKEN_A, body: { config: { parent_ids: ['cfg-b'], raw_config: {} } } });
      expect([inherit.status, inherit.json.message]).toEqual([400, expect.stringContaining('no config "cfg-b"')]);
      expect(await app.devices.get('dev-b')).toMatchObject({ mac: '00:bb:00:00:00:01', tenant_uuid: B, config: 'cfg-b' });
      expect(await app.configs.get('cfg-b')).toMatchObject({ tenant_uuid: B });
      // the top tenant sees its own without recurse, everyone's with it; A with recurse sees its sub-tenant A1's
      expect((await call('GET', '/0.2/dev_mgr/devices')).json.devices.map((d: any) => d.id)).not.toContain('dev-a');
      expect((await call('GET', '/0.2/dev_mgr/devices?recurse=true')).json.devices.map((d: any) => d.id)).toEqual(expect.arrayContaining(['dev-a', 'dev-b']));
      expect((await apiCall(api.port, 'POST', '/0.2/dev_mgr/devices', { token: TOKEN_A, tenant: A1, body: { device: { id: 'dev-a1' } } })).status).toBe(201);
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices', { token: TOKEN_A })).json.devices.map((d: any) => d.id)).toEqual(['dev-a']);
      expect((await apiCall(api.port, 'GET', '/0.2/dev_mgr/devices?recurse=true', { token: TOKEN_A })).json.devices.map((d: any) => d.id)).toEqual(['dev-a', 'dev-a1']);
    });

    it('lets the first tenant that updates a new device of the top tenant take it', async () => {
      const hex = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join('.');
      expect((await call('POST', '/0.2/dev_mgr/dhcpinfo', { body: { dhcp_info: { op: 'commit', ip: '10.1.2.3', mac: '00:AA:BB:CC:DD:EE', options: [`060${hex('acme_A1')}`] } } })).status).toBe(204);
      const [found] = (await call('GET', `/0.2/dev_mgr/devices?q=${encodeURIComponent('{"mac":"00:aa:bb:cc:dd:ee"}')}`)).json.devices;
      expect(found).toMatchObject({ vendor: 'Acme', model: 'A1', plugin: 'acme-1', is_new: true, tenant_uuid: TOP });
      expect((await apiCall(api.port, 'GET', `/0.2/dev_mgr/devices/${found.id}`, { token: TOKEN_B })).status).toBe(404);
      expect((await apiCall(api.port, 'PUT', `/0.2/dev_mgr/devices/${found.id}`, { token: TOKEN_B, body: { device: { ...found, config: 'cfg-b' } } })).status).toBe(204);
      expect(await app.devices.get(found.id)).toMatchObject({ tenant_uuid: B, is_new: false, config: 'cfg-b' });
      expect((await apiCall(api.port, 'PUT', `/0.2/dev_mgr/devices/${found.id}`, { token: TOKEN_A, body: { device: found } })).status).toBe(404);
    });

    it('keeps a provisioning key per tenant, unique across tenants', async () => {
      expect((await apiCall(api.port, 'PUT', '/0.2/configure/provisioning_key', { token: TOKEN_A, body: { param: { value: 'keyOfTenantA' } } })).status).toBe(204);
      const taken = await call('PUT', '/0.2/configure/provisioning_key', { tenant: B, body: { param: { value: 'keyOfTenantA' } } });
      expect([taken.status, taken.json.message]).toEqual([400, expect.stringContaining('another tenant already uses this provisioning key')]);
      expect((await call('PUT', '/0.2/configure/provisioning_key', { tenant: B, body: { param: { value: 'short' } } })).status).toBe(400);
      expect((await apiCall(api.port, 'GET', '/0.2/configure/provisioning_key', { token: TOKEN_A })).json).toEqual({ param: { value: 'keyOfTenantA' } });
      expect((await call('GET', '/0.2/configure/provisioning_key', { tenant: B })).json).toEqual({ param: { value: null } });
      expect(parameters.tenantOfKey('keyOfTenantA')).toBe(A);
    });
  });

  describe('plugins and parameters', () => {
    it('runs install, upgrade and update as operations, refuses what cannot be done, lists and uninstalls', async () => {
      const again = await call('POST', '/0.2/pg_mgr/install/install', { body: { id: 'acme-1' } });
      expect([again.status, again.json.message]).toEqual([400, expect.stringContaining('already installed')]);
      expect((await call('POST', '/0.2/pg_mgr/install/install', { body: { id: 'nope-1' } })).status).toBe(400);
      const update = await call('POST', '/0.2/pg_mgr/install/update', { body: {} });
      expect(update.headers.location).toMatch(/^\/0\.2\/pg_mgr\/install\/update\/\d+$/);
      expect(await waitOperation(update.headers.location!)).toBe('update|success');
      expect((await call('GET', '/0.2/pg_mgr/install/installable')).json.pkgs).toEqual({ 'acme-1': { version: '1.0.0', description: 'acme-1' }, 'acme-cfg-1': { version: '1.0.0', description: 'acme-cfg-1' }, 'broken-1': { version: '1.0.0', description: 'broken-1' } });
      const upgrade = await call('POST', '/0.2/pg_mgr/install/upgrade', { body: { id: 'acme-1' } });
      expect(await waitOperation(upgrade.headers.location!)).toBe('upgrade|success');
      expect((await call('GET', '/0.2/pg_mgr/install/installed')).json.pkgs['acme-1']).toMatchObject({ version: '1.0.0' });
      expect((await call('GET', '/0.2/pg_mgr/plugins')).json).toEqual({ plugins: { 'acme-1': { links: [{ rel: 'pg.plugin', href: '/0.2/pg_mgr/plugins/acme-1' }] } } });
      expect((await call('GET', '/0.2/pg_mgr/plugins/acme-1/info')).json.plugin_info).toMatchObject({ version: '1.0.0' });
      expect((await call('GET', '/0.2/pg_mgr/plugins/nope/info')).status).toBe(404);
      expect((await call('POST', '/0.2/pg_mgr/reload', { body: { id: 'acme-1' } })).status).toBe(204);
      expect((await app.devices.find({ plugin: 'acme-1' })).items.every((d) => d.configured)).toBe(true);
      expect((await call('POST', '/0.2/pg_mgr/install/uninstall', { body: { id: 'acme-1' } })).status).toBe(204);
      expect((await app.devices.find({ plugin: 'acme-1' })).items.some((d) => d.configured)).toBe(false);
      expect((await call('POST', '/0.2/pg_mgr/install/uninstall', { body: { id: 'acme-1' } })).status).toBe(400);
    });

    it('shows why an install operation failed: the state says fail, the monitor the code and the reason', async () => {
      const started = await call('POST', '/0.2/pg_mgr/install/install', { body: { id: 'broken-1' } });
      expect(started.status).toBe(201);
      expect(await waitOperation(started.headers.location!)).toBe('install|fail');
      const monitor = (await call('GET', started.headers.location!)).json;
      expect(monitor).toEqual({ status: 'install|fail', error: { code: 'PROVD_API_OPERATION_FAILED', message: 'install of plugin "broken-1" failed: its templates are missing' } });
      expect((await call('GET', '/0.2/pg_mgr/plugins')).json.plugins).not.toHaveProperty('broken-1');
      expect((await call('DELETE', started.headers.location!)).status).toBe(204);
    });

    it('persists the configure parameters and applies them at once', async () => {
      expect((await call('PUT', '/0.2/configure/NAT', { body: { param: { value: '1' } } })).status).toBe(204);
      expect(nat).toBe(true);
      expect((await call('PUT', '/0.2/configure/NAT', { body: { param: { value: '2' } } })).status).toBe(400);
      expect((await call('PUT', '/0.2/configure/plugin_server', { body: { param: { value: 'ftp://example.org/' } } })).status).toBe(400);
      expect((await call('PUT', '/0.2/configure/plugin_server', { body: { param: { value: 'http://repo.example.org/plugins/' } } })).status).toBe(204);
      expect(pluginServer).toBe('http://repo.example.org/plugins/');
      expect((await call('PUT', '/0.2/configure/https_proxy', { body: { param: { value: 'http://proxy:3128' } } })).status).toBe(400);
      const socks = await call('PUT', '/0.2/configure/http_proxy', { body: { param: { value: 'socks5://user:pw@proxy:1080' } } });
      expect([socks.status, socks.json.message]).toEqual([400, expect.stringContaining('the format is "http://[user:password@]host:port"')]);
      expect(socks.json.message).not.toContain('pw@');
      expect((await call('PUT', '/0.2/configure/https_proxy', { body: { param: { value: 'proxy:3128' } } })).status).toBe(204);
      expect((await call('PUT', '/0.2/configure/nope', { body: { param: { value: '1' } } })).status).toBe(404);
      expect((await call('GET', '/0.2/configure/nope')).status).toBe(404);
      expect((await call('PUT', '/0.2/configure/locale', { body: { wrong: 1 } })).status).toBe(400);
      const list = (await call('GET', '/0.2/configure')).json.params;
      expect(list.map((p: any) => p.id)).toEqual(['plugin_server', 'http_proxy', 'ftp_proxy', 'https_proxy', 'locale', 'NAT', 'provisioning_key']);
      expect(list.find((p: any) => p.id === 'NAT')).toMatchObject({ value: '1', links: [{ rel: 'srv.configure.param', href: '/0.2/configure/NAT' }] });
      // kept in the store's settings (shared by every host of a PostgreSQL site), read again by a new HostParameters
      expect(await app.store.settings()).toMatchObject({ NAT: '1', plugin_server: 'http://repo.example.org/plugins/', https_proxy: 'proxy:3128', top_tenant: expect.any(String) });
      let reopened: string | undefined;
      const again = await HostParameters.open(app.store, { effects: { pluginServer: (u) => (reopened = u) } });
      expect(reopened).toBe('http://repo.example.org/plugins/');
      expect(again.get('https_proxy', TOP)).toBe('proxy:3128');
      await again.close();
      expect((await call('PUT', '/0.2/configure/plugin_server', { body: { param: { value: null } } })).status).toBe(204);
      expect(pluginServer).toBeUndefined();
    });

    it('answers the status, the entry point and the OpenAPI document', async () => {
      expect((await call('GET', '/0.2/status')).json).toMatchObject({ rest_api: { status: 'ok' }, reconfigure: { status: 'ok', jobs: expect.any(Array) } });
      expect((await call('GET', '/0.2/')).json.links.map((l: any) => l.href)).toEqual(['/0.2/dev_mgr', '/0.2/cfg_mgr', '/0.2/pg_mgr', '/0.2/status', '/0.2/configure']);
      const doc = (await call('GET', '/0.2/openapi.json')).json;
      expect(doc.info.version).toBe('9.9.9');
      expect(doc.paths['/dev_mgr/devices/{device_id}'].get['x-required-acl']).toBe('provd.dev_mgr.devices.{device_id}.read');
    });
  });

  describe('a plugin\'s own parameters', () => {
    it('lists, reads and sets them through /pg_mgr/plugins/{id}/configure, refusing what the plugin refuses', async () => {
      await call('POST', '/0.2/pg_mgr/install/install', { body: { id: 'acme-cfg-1' } }).then((r) => waitOperation(r.headers.location!));
      expect((await call('GET', '/0.2/pg_mgr/plugins/acme-cfg-1')).json.links.map((l: any) => l.rel)).toEqual(['pg.info', 'srv.configure']);
      const base = '/0.2/pg_mgr/plugins/acme-cfg-1/configure';
      expect((await call('GET', base)).json).toEqual({ params: [{ id: 'switchboard', description: 'The switchboard mode (on or off)', value: null, links: [{ rel: 'srv.configure.param', href: `${base}/switchboard` }] }] });
      expect((await call('PUT', `${base}/switchboard`, { body: { param: { value: 'on' } } })).status).toBe(204);
      expect((await call('GET', `${base}/switchboard`)).json).toEqual({ param: { value: 'on' } });
      const refused = await call('PUT', `${base}/switchboard`, { body: { param: { value: 'maybe' } } });
      expect([refused.status, refused.json.message]).toEqual([400, expect.stringContaining('switchboard is "on" or "off"')]);
      expect((await call('GET', `${base}/nope`)).status).toBe(404);
      expect((await call('GET', '/0.2/pg_mgr/plugins/acme-1/configure')).status).toBe(404);
      expect((await apiCall(api.port, 'PUT', `${base}/switchboard`, { token: READER, body: { param: { value: 'off' } } })).status).toBe(403);
      expect((await call('GET', `${base}/switchboard`)).json).toEqual({ param: { value: 'on' } });
    });
  });

  describe('requests a browser could be made to send (issue 16)', () => {
    it('refuses a cross-origin text/plain POST (no config is created) and a foreign Origin', async () => {
      const before = (await app.configs.find()).items.length;
      const body = JSON.stringify({ config: { id: 'from-browser', parent_ids: [], raw_config: {} } });
      const plain = await call('POST', '/0.2/cfg_mgr/configs', { body, contentType: 'text/plain', headers: { Origin: 'http://evil.example' } });
      expect([plain.status, plain.json.error.code]).toEqual([403, 'PROVD_API_CROSS_ORIGIN']);
      const sameOriginPlain = await call('POST', '/0.2/cfg_mgr/configs', { body, contentType: 'text/plain' });
      expect([sameOriginPlain.status, sameOriginPlain.json.error.code]).toEqual([415, 'PROVD_API_UNSUPPORTED_MEDIA_TYPE']);
      const form = await call('POST', '/0.2/cfg_mgr/configs', { body, contentType: 'application/x-www-form-urlencoded', headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(form.status).toBe(403);
      expect(await app.configs.get('from-browser')).toBeUndefined();
      expect((await app.configs.find()).items).toHaveLength(before);
      expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('refuses a Host name it does not serve (DNS rebinding) and serves IP literals and localhost', async () => {
      const rebound = await call('GET', '/0.2/dev_mgr/devices', { headers: { Host: `attacker.example:${api.port}` } });
      expect([rebound.status, rebound.json.error.code]).toEqual([421, 'PROVD_API_HOST_REFUSED']);
      expect(JSON.stringify(rebound.json)).not.toContain('bob');
      expect((await call('GET', '/0.2/dev_mgr/devices', { headers: { Host: `localhost:${api.port}` } })).status).toBe(200);
      expect((await call('GET', '/0.2/dev_mgr/devices', { headers: { Host: `127.0.0.1:${api.port}` } })).status).toBe(200);
    });

    it('answers 406, 405 and 404 for what it cannot serve', async () => {
      expect((await call('GET', '/0.2/dev_mgr/devices', { headers: { Accept: 'text/html' } })).status).toBe(406);
      const wrong = await call('PATCH', '/0.2/dev_mgr/devices', { body: {} });
      expect([wrong.status, wrong.headers.allow]).toEqual([405, 'GET, POST']);
      expect((await call('GET', '/devices')).status).toBe(404);
      expect((await call('GET', '/0.2/nowhere')).status).toBe(404);
    });
  });
});

describe('insecure loopback mode', () => {
  it('serves loopback without a token only when asked, and says so', async () => {
    const locked = new AccessControl({ defaultTopTenant: TOP });
    expect(locked.describeMode()).toContain('LOCKED');
    expect(() => locked.authenticate(undefined, undefined, '127.0.0.1')).toThrow(/no API token is configured/);
    const open = new AccessControl({ defaultTopTenant: TOP, insecureLoopback: true });
    expect(open.describeMode()).toContain('INSECURE LOOPBACK');
    expect(open.authenticate(undefined, undefined, '127.0.0.1')).toMatchObject({ tenant: TOP, acls: ['provd.#'] });
    expect(() => open.authenticate(undefined, undefined, '192.0.2.7')).toThrow(/no API token/);
    const env = new AccessControl({ defaultTopTenant: TOP, envToken: 'from-the-environment' });
    expect(env.authenticate('from-the-environment', undefined, '192.0.2.7')).toMatchObject({ tenant: TOP, acls: ['provd.#'] });
  });
});
