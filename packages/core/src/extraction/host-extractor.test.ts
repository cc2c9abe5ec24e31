import { describe, expect, it } from 'vitest';
import type { DevInfo } from '@provd/sdk';
import type { DhcpRequest, HttpRequest } from '@provd/sdk';
import { defineExtractor } from '@provd/sdk';
import type { DeviceInfoExtractor } from '@provd/sdk';
import { createHostExtractor } from './host-extractor';

const fixed = (info: DevInfo | undefined): DeviceInfoExtractor<'http'> => ({ extract: async () => info });

describe('createHostExtractor (contract §3.2 default wiring)', () => {
  const request: HttpRequest = { path: '/Acme/a.cfg', headers: {}, clientIp: '10.0.0.9' };

  it('lets plugins vote, then the standard IP override theirs', async () => {
    const extractor = createHostExtractor([
      fixed({ vendor: 'A', model: 'm1', ip: '1.1.1.1' }),
      fixed({ vendor: 'B', ip: '1.1.1.1' }),
      fixed({ vendor: 'A' }),
    ]);
    expect(await extractor.extract(request, 'http')).toEqual({ vendor: 'A', model: 'm1', ip: '10.0.0.9' });
  });

  it('overrides the plugins MAC with the DHCP lease MAC', async () => {
    const plugin = defineExtractor('dhcp', () => ({ vendor: 'Digium', mac: '00:00:00:00:00:01' }));
    const lease: DhcpRequest = { ip: '10.0.0.5', mac: '00:0f:d3:05:48:48', options: {} };
    expect(await createHostExtractor([plugin]).extract(lease, 'dhcp')).toEqual({
      vendor: 'Digium',
      mac: '00:0f:d3:05:48:48',
      ip: '10.0.0.5',
    });
  });

  it('survives a plugin extractor that throws synchronously, reporting its index', async () => {
    const failures: number[] = [];
    const throwing: DeviceInfoExtractor<'http'> = {
      extract: () => {
        throw new Error('bug');
      },
    };
    const extractor = createHostExtractor([fixed({ vendor: 'A' }), throwing], {
      onError: (_error, index) => failures.push(index),
    });
    expect(await extractor.extract(request, 'http')).toEqual({ vendor: 'A', ip: '10.0.0.9' });
    expect(failures).toEqual([1]);
  });

  it('gives the standard information alone without plugins', async () => {
    expect(await createHostExtractor<'http'>([]).extract(request, 'http')).toEqual({ ip: '10.0.0.9' });
    expect(await createHostExtractor([fixed(undefined)]).extract({ ...request, clientIp: '::1' }, 'http')).toBeUndefined();
  });
});
