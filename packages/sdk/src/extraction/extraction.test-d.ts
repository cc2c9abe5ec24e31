import { describe, expectTypeOf, it } from 'vitest';
import {
  defineExtractor,
  type DeviceInfoExtractor,
  type DevInfo,
  type DhcpRequest,
  type HttpRequest,
  type ProvdPlugin,
  type TftpRequest,
} from '../index';

describe('extraction API of a plugin author', () => {
  it('gives a DeviceInfoExtractor<"dhcp"> a DhcpRequest', () => {
    type Extract = DeviceInfoExtractor<'dhcp'>['extract'];
    expectTypeOf<Extract>().parameter(0).toEqualTypeOf<DhcpRequest>();
    expectTypeOf<Extract>().parameter(1).toEqualTypeOf<'dhcp'>();
    expectTypeOf<Extract>().returns.toEqualTypeOf<Promise<DevInfo | undefined>>();
    expectTypeOf<DeviceInfoExtractor<'tftp'>['extract']>().parameter(0).toEqualTypeOf<TftpRequest>();
  });

  it('types the request of defineExtractor after the request type', () => {
    const http = defineExtractor('http', (request) => {
      expectTypeOf(request).toEqualTypeOf<HttpRequest>();
      return request.path.startsWith('/Acme/') ? { vendor: 'Acme' } : undefined;
    });
    expectTypeOf(http).toEqualTypeOf<DeviceInfoExtractor<'http'>>();
    expectTypeOf(http).toExtend<NonNullable<ProvdPlugin['httpDevInfoExtractor']>>();
    const dhcp = defineExtractor('dhcp', async (request) => {
      expectTypeOf(request).toEqualTypeOf<DhcpRequest>();
      return { vendor: request.options[60] };
    });
    // @ts-expect-error: a DHCP extractor is not an HTTP extractor
    const wrong: ProvdPlugin['httpDevInfoExtractor'] = dhcp;
    expectTypeOf(wrong).not.toBeAny();
  });

  it('wants DevInfo results', () => {
    // @ts-expect-error: an extractor returns an object
    defineExtractor('tftp', () => 'Acme');
    // @ts-expect-error: mac is a string
    defineExtractor('tftp', () => ({ mac: 42 }));
    defineExtractor('tftp', () => ({ vendor: 'Acme', X_custom: [1, 2] }));
  });
});
