import { describe, expectTypeOf, it } from 'vitest';
import type { Capabilities, CapabilityType, PluginInfo } from '../types/plugin-info';
import type { DtmfMode, FuncKeyType, RawConfig, SipTransport, SrtpMode, SyslogLevel } from '../types/raw-config';
import {
  assertValidPluginInfo,
  assertValidRawConfig,
  CAPABILITY_PROTOCOLS,
  CAPABILITY_TYPES,
  DTMF_MODES,
  FUNCKEY_TYPES,
  REQUIRED_CAPABILITY_KEYS,
  SIP_TRANSPORTS,
  SRTP_MODES,
  SYSLOG_LEVELS,
} from './index';

describe('the schema constants match the SDK types', () => {
  it('has the same enums as the raw config types', () => {
    expectTypeOf<(typeof DTMF_MODES)[number]>().toEqualTypeOf<DtmfMode>();
    expectTypeOf<(typeof SRTP_MODES)[number]>().toEqualTypeOf<SrtpMode>();
    expectTypeOf<(typeof SIP_TRANSPORTS)[number]>().toEqualTypeOf<SipTransport>();
    expectTypeOf<(typeof SYSLOG_LEVELS)[number]>().toEqualTypeOf<SyslogLevel>();
    expectTypeOf<(typeof FUNCKEY_TYPES)[number]>().toEqualTypeOf<FuncKeyType>();
  });

  it('has the same capability values and required keys as the Capabilities type', () => {
    expectTypeOf<(typeof CAPABILITY_TYPES)[number]>().toEqualTypeOf<CapabilityType>();
    expectTypeOf<(typeof CAPABILITY_PROTOCOLS)[number]>().toEqualTypeOf<Capabilities['protocol']>();
    type Required = { [K in keyof Capabilities as {} extends Pick<Capabilities, K> ? never : K]: true };
    expectTypeOf<(typeof REQUIRED_CAPABILITY_KEYS)[number]>().toEqualTypeOf<Exclude<keyof Required, `X_${string}`>>();
  });

  it('narrows with the assert helpers', () => {
    const info: unknown = {};
    assertValidPluginInfo(info, 'plugin-info');
    expectTypeOf(info).toEqualTypeOf<PluginInfo>();
    const raw: unknown = {};
    assertValidRawConfig(raw);
    expectTypeOf(raw).toEqualTypeOf<RawConfig>();
  });
});
