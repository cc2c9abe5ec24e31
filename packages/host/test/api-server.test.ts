import { writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '../src/api/index';
import { ProvisioningApp } from '../src/app/index';
import { AcmePlugin, MemoryPluginHost } from './serve-test-plugins';
import { run } from './serve-helpers';

let dir: TestDir;
let app: ProvisioningApp;
let api: ApiServer;

beforeAll(async () => {
  dir = await testdir();
  const host = new MemoryPluginHost(dir.join('plugins'), { 'acme-1': (id, d) => new AcmePlugin(id, d) });
  app = await ProvisioningApp.open({ dataDir: dir.join('data'), plugins: host, baseRawConfig: { http_base_url: 'http://127.0.0.1:8667' } });
  await app.start();
  api = new ApiServer({ app, port: 0, version: '9.9.9' });
  await api.start();
});

afterAll(async () => {
  await api.close();
  await app.close();
  await dir.cleanup();
});

async function call(method: string, path: string, body?: string, ...extra: string[]): Promise<{ status: number; json: any }> {
  const args = ['-sS', '-X', method, '-w', '\n%{http_code}', `http://127.0.0.1:${api.port}${path}`, ...extra];
  if (body !== undefined) args.push('-H', 'Content-Type: application/json', '--data-binary', body);
  const r = await run('curl', args);
  const at = r.stdout.lastIndexOf('\n');
  const text = r.stdout.slice(0, at);
  return { status: Number(r.stdout.slice(at + 1)), json: text ? JSON.parse(text) : undefined };
}

describe('JSON API with curl', () => {
  it('serves an OpenAPI 3.1 document listing every endpoint', async () => {
    const { status, json } = await call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(json.openapi).toBe('3.1.0');
    expect(json.info.version).toBe('9.9.9');
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(['/devices', '/devices/{id}', '/configs', '/configs/{id}/raw', '/plugins', '/plugins/{id}/install', '/dhcp']));
  });

  it('installs a plugin, creates a config and a device, and configures it', async () => {
    expect((await call('POST', '/plugins/acme-1/install')).json).toEqual({ plugin: { id: 'acme-1', version: '1.0.0', description: 'acme-1', loaded: true } });
    expect((await call('GET', '/plugins')).json).toEqual({ plugins: { 'acme-1': { version: '1.0.0', description: 'acme-1', loaded: true } } });
    const config = await call('POST', '/configs', JSON.stringify({ config: { id: 'c1', parent_ids: [], raw_config: { sip_lines: { '1': { username: 'bob' } } } } }));
    expect(config.status).toBe(201);
    const created = await call('POST', '/devices', JSON.stringify({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c1' }));
    expect(created.status).toBe(201);
    expect(created.json.device).toMatchObject({ mac: '00:11:22:33:44:55', configured: true });
    const id = created.json.device.id;
    expect((await call('GET', `/devices/${id}`)).json.device.configured).toBe(true);
    expect((await call('GET', '/devices?mac=00:11:22:33:44:55')).json.devices).toHaveLength(1);
    expect((await call('GET', '/configs/c1/raw')).json.raw_config).toEqual({ http_base_url: 'http://127.0.0.1:8667', sip_lines: { '1': { username: 'bob' } } });
    const updated = await call('PUT', `/devices/${id}`, JSON.stringify({ device: { mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c1', model: 'X' } }));
    expect(updated.json.device).toMatchObject({ id, model: 'X', configured: true });
    expect((await call('POST', `/devices/${id}/reconfigure`)).status).toBe(200);
    expect((await call('POST', `/devices/${id}/synchronize`)).status).toBe(204);
    expect((await call('DELETE', `/devices/${id}`)).status).toBe(204);
    expect((await call('GET', `/devices/${id}`)).status).toBe(404);
  });

  it('takes DHCP information in the established option-list form', async () => {
    const hex = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => b.toString(16).padStart(2, '0')).join('.');
    const body = { dhcp_info: { op: 'commit', ip: '10.1.2.3', mac: '00:AA:BB:CC:DD:EE', options: [`060${hex('acme_A1')}`, '01268.6f.73.74'] } };
    expect((await call('POST', '/dhcp', JSON.stringify(body))).status).toBe(204);
    const { json } = await call('GET', '/devices?mac=00:aa:bb:cc:dd:ee');
    expect(json.devices[0]).toMatchObject({ ip: '10.1.2.3', vendor: 'Acme', model: 'A1', plugin: 'acme-1' });
    expect((await call('POST', '/dhcp', JSON.stringify({ dhcp_info: { op: 'expiry' } }))).status).toBe(204);
    const bad = await call('POST', '/dhcp', JSON.stringify({ dhcp_info: { op: 'commit', ip: '1.2.3', mac: 'x', options: ['077'] } }));
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/dhcp_info\.ip.*dhcp_info\.mac.*dhcp_info\.options\.0/);
  });

  it('answers bad input with a clean JSON error and keeps serving', async () => {
    const cases: [string, string, string | undefined, number, string][] = [
      ['POST', '/devices', '{not json', 400, 'PROVD_HOST_BAD_REQUEST'],
      ['POST', '/devices', '', 400, 'PROVD_HOST_BAD_REQUEST'],
      ['POST', '/devices', '[1,2]', 400, 'PROVD_HOST_INVALID_DEVICE'],
      ['POST', '/devices', '{"mac":"nope"}', 400, 'PROVD_HOST_INVALID_DEVICE'],
      ['POST', '/devices', '{"id":"../../etc"}', 400, 'PROVD_HOST_INVALID_ID'],
      ['POST', '/configs', '{"id":"c2","parent_ids":"x","raw_config":{}}', 400, 'PROVD_HOST_INVALID_CONFIG'],
      ['POST', '/configs', '{"id":"c1","parent_ids":[],"raw_config":{}}', 409, 'PROVD_HOST_DUPLICATE_ID'],
      ['PUT', '/configs/c1', '{"id":"other","parent_ids":[],"raw_config":{}}', 400, 'PROVD_HOST_BAD_REQUEST'],
      ['GET', '/configs/nope', undefined, 404, 'PROVD_HOST_CONFIG_NOT_FOUND'],
      ['GET', '/devices/%zz', undefined, 400, 'PROVD_HOST_BAD_REQUEST'],
      ['GET', '/nowhere', undefined, 404, 'PROVD_HOST_BAD_REQUEST'],
      ['PATCH', '/devices', '{}', 405, 'PROVD_HOST_BAD_REQUEST'],
      ['DELETE', '/plugins/nope', undefined, 404, 'PROVD_HOST_PLUGIN_NOT_LOADED'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const r = await call(method, path, body);
      expect([r.status, r.json?.error?.code], `${method} ${path} ${body}`).toEqual([status, code]);
    }
    await writeFile(dir.join('huge.json'), JSON.stringify({ id: 'big', parent_ids: [], raw_config: { X_big: 'x'.repeat(2_000_000) } }));
    const huge = await call('POST', '/configs', `@${dir.join('huge.json')}`);
    expect(huge.status).toBe(413);
    expect((await call('GET', '/configs/c1')).status).toBe(200);
  });
});
