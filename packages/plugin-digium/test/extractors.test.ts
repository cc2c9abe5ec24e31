import type { DhcpRequest, HttpRequest } from '@provd/sdk';
import { describe, expect, it } from 'vitest';
import { digiumDhcpDevInfo, digiumDhcpExtractor } from '../common/dhcp-extractor';
import { digiumHttpDevInfo, digiumHttpExtractor } from '../common/http-extractor';

const dhcp = (vendorClass: string | undefined): DhcpRequest => ({
  ip: '10.0.0.5',
  mac: '00:0f:d3:05:48:48',
  options: vendorClass === undefined ? {} : { 60: vendorClass },
});
const http = (path: string): HttpRequest => ({ path, headers: {}, clientIp: '10.0.0.5' });

describe('the DHCP extractor', () => {
  const extractor = { extract: (request: DhcpRequest) => digiumDhcpExtractor.extract(request, 'dhcp') };

  it.each([
    ['digium_D40_1_4_0_0_57389', 'D40', '1.4.0.0.57389'],
    ['digium_D40_1_0_5_46476', 'D40', '1.0.5.46476'],
    ['digium_D70_1_1_0_0_48178', 'D70', '1.1.0.0.48178'],
    ['digium_D65_2_8_1', 'D65', '2.8.1'],
    ['digium_D99_3', 'D99', '3'],
  ])('reads vendor, model and version from %j', async (vendorClass, model, version) => {
    expect(await extractor.extract(dhcp(vendorClass))).toEqual({ vendor: 'Digium', model, version });
  });

  it.each([
    'Digium D40',
    'digium_D40',
    'digium_D40_',
    'digium_D40_1__2',
    'digium_D40_1_4_',
    'digium_D400_1_4',
    'digium_d40_1_4',
    'DIGIUM_D40_1_4',
    'digium_D40_1_4\x00',
    ' digium_D40_1_4',
    'digium_D40_1.4',
    'xdigium_D40_1_4',
    '',
    '\xff\xfe\x00\x01digium',
  ])('gives nothing for %j', async (vendorClass) => {
    expect(await extractor.extract(dhcp(vendorClass))).toBeUndefined();
  });

  it('gives nothing for a huge vendor class', async () => {
    expect(await extractor.extract(dhcp(`digium_D40_${'1_'.repeat(500_000)}1`))).toBeUndefined();
    expect(await extractor.extract(dhcp(`digium_D40_${'1'.repeat(1_000_000)}`))).toBeUndefined();
  });

  it('gives nothing without option 60, and does not throw on a malformed request', async () => {
    expect(await extractor.extract(dhcp(undefined))).toBeUndefined();
    expect(await extractor.extract({ ip: '10.0.0.5', mac: '00:0f:d3:05:48:48', options: { 60: 42 as never } })).toBeUndefined();
    expect(await extractor.extract({} as DhcpRequest)).toBeUndefined();
    expect(digiumDhcpDevInfo({} as DhcpRequest)).toBeUndefined();
  });

  it('ignores requests of another type', async () => {
    expect(await digiumDhcpExtractor.extract(http('/Digium/000fd3054848.cfg') as never, 'http' as never)).toBeUndefined();
  });
});

describe('the HTTP extractor', () => {
  const extractor = { extract: (request: HttpRequest) => digiumHttpExtractor.extract(request, 'http') };

  it.each([
    ['/Digium/0019159a0b1c.cfg', '00:19:15:9a:0b:1c'],
    ['/Digium/000fd3054848.cfg', '00:0f:d3:05:48:48'],
    ['/Digium/000FD3054848.cfg', '00:0f:d3:05:48:48'],
  ])('reads the vendor and the MAC from %j', async (path, mac) => {
    expect(await extractor.extract(http(path))).toEqual({ vendor: 'Digium', mac });
  });

  it.each([
    '/Digium/000000000000.cfg',
    '/Digium/',
    '/Digium/firmware/2_8_1_D40_firmware.eff',
    '/Digium/0019159a0b1c-contacts.xml',
    '/Digium/0019159a0b1c.cfg.bak',
    '/Digium/0019159a0b1.cfg',
  ])('reads the vendor only from %j', async (path) => {
    expect(await extractor.extract(http(path))).toEqual({ vendor: 'Digium' });
  });

  it.each([
    '/digium/0019159a0b1c.cfg',
    '/Digium',
    '/DigiumX/0019159a0b1c.cfg',
    '/Digium/../0019159a0b1c.cfg',
    '/Digium/firmware/../../etc/passwd',
    '/Digium/./0019159a0b1c.cfg',
    '/Digium/..',
    '/Digium/%2e%2e/secret',
    '/Digium/..\\..\\secret',
    '/Digium/0019159a0b1c.cfg\x00.txt',
    '/Digium/\xff\xfe',
    '//Digium/0019159a0b1c.cfg',
    '',
  ])('gives nothing for %j', async (path) => {
    expect(await extractor.extract(http(path))).toBeUndefined();
  });

  it('gives nothing for a huge path', async () => {
    expect(await extractor.extract(http(`/Digium/${'a'.repeat(1_000_000)}`))).toBeUndefined();
    expect(await extractor.extract(http(`/Digium/${'a/'.repeat(500_000)}000fd3054848.cfg`))).toBeUndefined();
  });

  it('does not throw on a malformed request', async () => {
    expect(await extractor.extract({} as HttpRequest)).toBeUndefined();
    expect(await extractor.extract({ path: 42 } as never)).toBeUndefined();
    expect(digiumHttpDevInfo({} as HttpRequest)).toBeUndefined();
  });

  it('ignores requests of another type', async () => {
    expect(await digiumHttpExtractor.extract(dhcp('digium_D40_1_4') as never, 'dhcp' as never)).toBeUndefined();
  });
});
