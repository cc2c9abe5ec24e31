import { BasePgAssociator, DeviceSupport, type DevInfo, type HttpRequest, type PluginContext } from '@provd/sdk';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import MinimalPlugin from '../plugin/entry';

const http = (userAgent: string): HttpRequest => ({ path: '/Acme/000fd3054848.cfg', headers: { 'user-agent': userAgent }, clientIp: '10.0.0.5', method: 'GET' });

let dir: TestDir;
let plugin: MinimalPlugin;
beforeAll(async () => {
  dir = await testdir({ 'plugin-info': '{}' });
  const context: PluginContext = { id: 'minimal-1.0', pluginDir: dir.path, generalConfig: {}, pluginConfig: {}, services: {} };
  plugin = new MinimalPlugin(context);
});
afterAll(() => dir.cleanup());

describe('the minimal example identifies Acme phones the recommended way', () => {
  it('reads vendor, model, version and MAC from the User-Agent', async () => {
    expect(await plugin.httpDevInfoExtractor.extract(http('AcmePhone-A10/1.0 (00:0F:D3:05:48:48)'), 'http')).toEqual({ vendor: 'Acme', model: 'A10', version: '1.0', mac: '00:0f:d3:05:48:48' });
    expect(await plugin.httpDevInfoExtractor.extract(http('Mozilla/5.0'), 'http')).toBeUndefined();
  });

  it('counts a User-Agent with a broken MAC as nothing found instead of throwing', async () => {
    await expect(plugin.httpDevInfoExtractor.extract(http('AcmePhone-A10/1.0 (::::::::::::::::0)'), 'http')).resolves.toBeUndefined();
  });

  it('scores with BasePgAssociator: unknown without a vendor, improbable for another vendor', () => {
    expect(plugin.pgAssociator).toBeInstanceOf(BasePgAssociator);
    const score = (devInfo: DevInfo) => plugin.pgAssociator.associate(devInfo);
    expect(score({})).toBe(DeviceSupport.UNKNOWN);
    expect(score({ vendor: 'Other' })).toBe(DeviceSupport.IMPROBABLE);
    expect(score({ vendor: 'Acme', model: 'B20' })).toBe(DeviceSupport.PROBABLE);
    expect(score({ vendor: 'Acme', model: 'A10', version: '0.9' })).toBe(DeviceSupport.COMPLETE);
    expect(score({ vendor: 'Acme', model: 'A10', version: '1.0' })).toBe(DeviceSupport.EXACT);
  });
});
