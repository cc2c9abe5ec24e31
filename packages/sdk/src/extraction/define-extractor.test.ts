import { describe, expect, it } from 'vitest';
import type { ProvdError } from '../errors/provd-error';
import type { DhcpRequest, HttpRequest } from '../types/requests';
import { defineExtractor } from './define-extractor';
import { guardExtractor } from './guard';

const dhcp = (vendorClass?: string): DhcpRequest => ({
  ip: '10.0.0.5',
  mac: '00:0f:d3:05:48:48',
  options: vendorClass === undefined ? {} : { 60: vendorClass },
});

/** Written the careless way: throws when option 60 is missing or does not match. */
const digium = defineExtractor('dhcp', (request) => {
  const [, model, version] = /^digium_(D\d\d)_([\d_]+)$/.exec(request.options[60] as string) as RegExpExecArray;
  return { vendor: 'Digium', model, version: version?.replaceAll('_', '.') };
});

describe('defineExtractor', () => {
  it('returns what the function finds', async () => {
    expect(await digium.extract(dhcp('digium_D40_1_4_0_0_57389'), 'dhcp')).toEqual({
      vendor: 'Digium',
      model: 'D40',
      version: '1.4.0.0.57389',
    });
  });

  it('counts a throw as nothing found', async () => {
    expect(await digium.extract(dhcp(), 'dhcp')).toBeUndefined();
    expect(await digium.extract(dhcp('yealink'), 'dhcp')).toBeUndefined();
  });

  it('counts a rejection as nothing found and reports it with the plugin named', async () => {
    const errors: ProvdError[] = [];
    const extractor = defineExtractor('http', async () => Promise.reject(new Error('no')), {
      plugin: 'acme-1.0',
      onError: (error) => errors.push(error),
    });
    const request: HttpRequest = { path: '/a', headers: {}, clientIp: '10.0.0.1' };
    expect(await extractor.extract(request, 'http')).toBeUndefined();
    expect(errors.map((e) => [e.code, e.plugin])).toEqual([['PROVD_EXTRACTOR_FAILED', 'acme-1.0']]);
    expect(errors[0]?.message).toBe(
      'the http device-info extractor of plugin "acme-1.0" failed: Error: no; its result counts as "nothing found"; make the extractor resolve to undefined for requests it does not recognise',
    );
  });

  it('ignores a request of another type', async () => {
    let called = false;
    const extractor = defineExtractor('dhcp', () => {
      called = true;
      return { vendor: 'x' };
    });
    const wrongType = extractor as unknown as { extract(request: unknown, type: string): Promise<unknown> };
    expect(await wrongType.extract({ path: '/', headers: {}, clientIp: '1.1.1.1' }, 'http')).toBeUndefined();
    expect(called).toBe(false);
  });
});

describe('guardExtractor', () => {
  it('keeps results and turns failures into nothing found, reported with the plugin named', async () => {
    const errors: ProvdError[] = [];
    let fail = false;
    const guarded = guardExtractor<'dhcp'>(
      {
        extract: async () => {
          if (fail) throw new Error('bad');
          return { vendor: 'A' };
        },
      },
      { plugin: 'p', onError: (e) => errors.push(e) },
    );
    expect(await guarded.extract(dhcp(), 'dhcp')).toEqual({ vendor: 'A' });
    fail = true;
    expect(await guarded.extract(dhcp(), 'dhcp')).toBeUndefined();
    expect(errors.map((e) => [e.code, e.plugin])).toEqual([['PROVD_EXTRACTOR_FAILED', 'p']]);
  });

  it('works without options', async () => {
    const guarded = guardExtractor<'dhcp'>({
      extract: () => {
        throw new Error('sync');
      },
    });
    expect(await guarded.extract(dhcp(), 'dhcp')).toBeUndefined();
  });
});
