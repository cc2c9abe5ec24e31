/**
 * Better information re-associates a device: a phone first known only by its vendor gets the tie-break plugin, then
 * its DHCP lease tells model and version and the plugin that supports exactly that wins; an operator's pin keeps
 * the plugin whatever the device tells later.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../src/app/serve-host';
import { ACME_SOURCE, writePluginFolder } from './helpers-plugins';

let dir: TestDir;
let host: RunningHost;
const IP = '10.0.0.7';
const MAC = '00:11:22:33:44:55';

const tftp = (filename: string) => host.app.tftpReply({ filename, mode: 'octet', options: {}, address: { ip: IP, port: 1069 } });
const dhcp = (vci: string) => host.app.dhcpCommit({ ip: IP, mac: MAC, options: { 60: vci } });
// (a new phone whose device gets no file is answered before its device's commit, which lands just after: waited for)
const theDevice = async () => {
  let devices = (await host.app.devices.find({ ip: IP })).items;
  for (let tries = 0; devices.length === 0 && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    devices = (await host.app.devices.find({ ip: IP })).items;
  }
  expect(devices).toHaveLength(1);
  return devices[0]!;
};

beforeAll(async () => {
  dir = await testdir();
  const entry = await readFile(join(ACME_SOURCE, 'entry.js'), 'utf8');
  // acme-1 supports firmware 1.0 exactly, acme-2 firmware 2.0: for a bare "Acme" both say PROBABLE
  await writePluginFolder(dir.join('plugins'), 'acme-1');
  await writePluginFolder(dir.join('plugins'), 'acme-2', { files: { 'entry.js': entry.replace("version === '1.0'", "version === '2.0'") } });
  host = await startHost({ pluginsDir: dir.join('plugins'), dataDir: dir.join('data'), httpPort: 0, tftpPort: 0, apiPort: 0, sync: 'none', log: () => undefined });
});

afterAll(async () => {
  await host.close();
  await dir.cleanup();
});

describe('plugin re-association', () => {
  it('moves a device to the plugin that scores higher once DHCP tells its model and version', async () => {
    await tftp('acme-001122334455.cfg');
    expect(await theDevice()).toMatchObject({ vendor: 'Acme', plugin: 'acme-2' }); // the tie-break: highest id
    await dhcp('acme_A1_1.0');
    expect(await theDevice()).toMatchObject({ mac: MAC, model: 'A1', version: '1.0', plugin: 'acme-1' });
    // less information later (the TFTP request again) does not move it back
    await tftp('acme-001122334455.cfg');
    expect((await theDevice()).plugin).toBe('acme-1');
    const metrics = await host.metrics.registry.metrics();
    expect(metrics).toMatch(/^provd_plugin_associations_total\{plugin="acme-2",reason="new"\} 1$/m);
    expect(metrics).toMatch(/^provd_plugin_associations_total\{plugin="acme-1",reason="better"\} 1$/m);
  });

  it('keeps the plugin the operator pinned, even when a firmware upgrade makes another plugin exact', async () => {
    await host.app.updateDevice({ ...(await theDevice()), plugin: 'acme-1', plugin_pinned: true });
    await dhcp('acme_A1_2.0');
    expect(await theDevice()).toMatchObject({ version: '2.0', plugin: 'acme-1', plugin_pinned: true });
    await host.app.updateDevice({ ...(await theDevice()), plugin_pinned: false });
    await dhcp('acme_A1_2.0'); // nothing new: nothing moves
    expect((await theDevice()).plugin).toBe('acme-1');
    await dhcp('acme_A1_2.1');
    await dhcp('acme_A1_2.0'); // the version changed again: the exact plugin wins now that the pin is gone
    expect((await theDevice()).plugin).toBe('acme-2');
  });

  it('refuses a pin that is not a boolean', async () => {
    await expect(host.app.updateDevice({ ...(await theDevice()), plugin_pinned: 'yes' })).rejects.toThrow(/plugin_pinned: must be true or false/);
  });
});
