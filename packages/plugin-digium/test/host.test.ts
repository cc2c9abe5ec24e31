/**
 * The three Digium plugins in a host, with the test kit: a phone's DHCP lease picks the plugin of its firmware, and
 * its HTTP and TFTP requests get the files that plugin wrote for it, exactly as the spec says.
 */
import { DeviceSupport } from '@provd/sdk';
import { parseXmlTree, startTestHost, xmlProblems, type TestHost } from '@provd/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedConfig, expectedContacts, TARGETS } from './expected';
import { builtFamily } from './plugin-fixture';
import { FULL } from './raw-configs';

let host: TestHost;
beforeAll(async () => {
  const family = await builtFamily();
  host = await startTestHost({ plugins: TARGETS.map((t) => family.tarball(t.pluginId)), config: FULL });
});
afterAll(() => host?.close());

describe('Digium phones against a host running the three plugins', () => {
  it.each([
    ['digium_D65_2_8_1', '00:0f:d3:05:48:48', '192.0.2.40', 'digium-2.8.1', 'D65'],
    ['digium_D40_1_4_0_0_57389', '00:0f:d3:05:48:49', '192.0.2.41', 'digium-1.4.0.0', 'D40'],
    ['digium_D62_2_2_1_8', '00:0f:d3:05:48:4a', '192.0.2.42', 'digium-2.2.1.8', 'D62'],
  ])('a lease with %s picks its firmware plugin, which serves the phone both files over HTTP', async (vendorClass, mac, ip, pluginId, model) => {
    const lease = await host.dhcp({ mac, ip, vendorClass });
    expect(lease.plugin).toBe(pluginId);
    expect(lease.scores[pluginId]).toBe(DeviceSupport.EXACT);
    for (const other of TARGETS.filter((t) => t.pluginId !== pluginId)) expect(lease.scores[other.pluginId]).toBe(DeviceSupport.COMPLETE);
    expect(lease.device).toMatchObject({ model, configured: true });

    const bare = mac.replaceAll(':', '');
    const target = TARGETS.find((t) => t.pluginId === pluginId)!;
    const cfg = await host.http({ path: `/Digium/${bare}.cfg`, ip });
    expect(cfg.status).toBe(200);
    expect(cfg.file?.sensitive).toBe(true);
    expect(xmlProblems(cfg.file!.text, { utf8Declaration: true })).toEqual([]);
    expect(parseXmlTree(cfg.file!.text)).toEqual(expectedConfig(target, bare, FULL));
    const contacts = await host.http({ path: `/Digium/${bare}-contacts.xml`, ip });
    expect(parseXmlTree(contacts.file!.text)).toEqual(expectedContacts(FULL));
  });

  it('serves the same configuration over TFTP to the phone at that address', async () => {
    const http = await host.http({ path: '/Digium/000fd3054848.cfg', ip: '192.0.2.40' });
    const tftp = await host.tftp({ filename: 'Digium/000fd3054848.cfg', ip: '192.0.2.40' });
    expect(tftp.status).toBe(0);
    expect(tftp.file?.text).toBe(http.file?.text);
  });

  it("associates no plugin with a vendor class that is not Digium's, and answers 404 for a file no plugin wrote", async () => {
    const foreign = await host.dhcp({ mac: '00:00:5e:00:53:50', ip: '192.0.2.50', vendorClass: 'Digium D40' });
    expect(foreign.plugin).toBeNull();
    expect(Object.values(foreign.scores)).toEqual([DeviceSupport.UNKNOWN, DeviceSupport.UNKNOWN, DeviceSupport.UNKNOWN]);
    expect((await host.http({ path: '/Digium/000fd3054848-missing.cfg', ip: '192.0.2.40' })).status).toBe(404);
  });
});
