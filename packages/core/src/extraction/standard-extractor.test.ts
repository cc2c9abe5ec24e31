import { describe, expect, it } from 'vitest';
import type { DhcpRequest, HttpRequest, TftpRequest } from '@provd/sdk';
import { standardExtractor } from './standard-extractor';

const http = (clientIp: string): HttpRequest => ({ path: '/a.cfg', headers: {}, clientIp });
const tftp = (ip: string): TftpRequest => ({ filename: 'a.cfg', options: {}, address: { ip, port: 1234 } });

describe('standardExtractor (contract §3.3, §11.2)', () => {
  it('gives the lease IP and MAC for DHCP', async () => {
    const request: DhcpRequest = { ip: '10.0.0.5', mac: '00:11:22:33:44:55', options: {} };
    expect(await standardExtractor.extract(request, 'dhcp')).toEqual({ ip: '10.0.0.5', mac: '00:11:22:33:44:55' });
  });

  it('gives the sender IP for TFTP', async () => {
    expect(await standardExtractor.extract(tftp('10.0.0.6'), 'tftp')).toEqual({ ip: '10.0.0.6' });
  });

  it('gives the client IP for HTTP', async () => {
    expect(await standardExtractor.extract(http('10.0.0.7'), 'http')).toEqual({ ip: '10.0.0.7' });
  });

  it('unwraps an IPv4-mapped IPv6 address', async () => {
    expect(await standardExtractor.extract(http('::ffff:10.0.0.7'), 'http')).toEqual({ ip: '10.0.0.7' });
  });

  it('normalises a DHCP MAC and leaves out one that is not valid', async () => {
    expect(await standardExtractor.extract({ ip: '10.0.0.5', mac: '00-11-22-33-44-AA', options: {} }, 'dhcp')).toEqual({
      ip: '10.0.0.5',
      mac: '00:11:22:33:44:aa',
    });
    expect(await standardExtractor.extract({ ip: '10.0.0.5', mac: 'garbage', options: {} }, 'dhcp')).toEqual({
      ip: '10.0.0.5',
    });
  });

  it('finds nothing from an address that is not IPv4', async () => {
    expect(await standardExtractor.extract(http('::1'), 'http')).toBeUndefined();
    expect(await standardExtractor.extract(tftp('fe80::1'), 'tftp')).toBeUndefined();
  });

  it('finds nothing in a malformed request instead of throwing', async () => {
    expect(await standardExtractor.extract({} as TftpRequest, 'tftp')).toBeUndefined();
    expect(await standardExtractor.extract({} as DhcpRequest, 'dhcp')).toBeUndefined();
    expect(await standardExtractor.extract({} as HttpRequest, 'nope' as 'http')).toBeUndefined();
  });
});
