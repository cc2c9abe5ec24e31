import { describe, expectTypeOf, it } from 'vitest';
import { DeviceSupport, guardExtractor, type DeviceInfoExtractor, type ProvdError, type RawConfig, type SipTransport } from '@provd/sdk';
import { choosePlugin, composeExtractors, createHostExtractor, mergeByVote, scorePlugins, standardExtractor, type RawConfigWithDefaults } from './index';

describe('the core API a host uses', () => {
  it('scores plugins into what choosePlugin takes', () => {
    const result = scorePlugins([{ plugin: 'a', associator: undefined }], {});
    expectTypeOf(result.scores).toEqualTypeOf<Map<string, number>>();
    expectTypeOf(result.failures).toEqualTypeOf<ProvdError[]>();
    expectTypeOf(choosePlugin(result.scores)).toEqualTypeOf<string | undefined>();
    expectTypeOf(choosePlugin({ a: 300 }, { minimum: DeviceSupport.COMPLETE })).toEqualTypeOf<string | undefined>();
    // @ts-expect-error: scores are numbers
    choosePlugin({ a: '300' });
  });
  it('keeps the request type through guarding and composition', () => {
    const dhcp: DeviceInfoExtractor<'dhcp'>[] = [];
    expectTypeOf(guardExtractor(standardExtractor)).toEqualTypeOf<DeviceInfoExtractor>();
    expectTypeOf(composeExtractors(dhcp, mergeByVote)).toEqualTypeOf<DeviceInfoExtractor<'dhcp'>>();
    expectTypeOf(createHostExtractor(dhcp)).toEqualTypeOf<DeviceInfoExtractor<'dhcp'>>();
    expectTypeOf(standardExtractor).toExtend<DeviceInfoExtractor<'tftp'>>();
  });
  it('types defaulted raw configs as raw configs', () => {
    expectTypeOf<RawConfigWithDefaults>().toExtend<RawConfig>();
    expectTypeOf<RawConfigWithDefaults['sip_transport']>().toEqualTypeOf<SipTransport>();
  });
});
