import { describe, expect, it } from 'vitest';
import type { RawConfig } from '@provd/sdk';
import { applyRawConfigDefaults } from '../index';

const always = { funckeys: {}, sccp_call_managers: {}, sip_lines: {}, sip_srtp_mode: 'disabled', sip_transport: 'udp' };

describe('applyRawConfigDefaults (contract §11.5)', () => {
  it('fills the keys every raw config gets', () => {
    expect(applyRawConfigDefaults({})).toEqual(always);
  });

  it('adds the syslog defaults only when syslog is enabled', () => {
    expect(applyRawConfigDefaults({ syslog_enabled: true })).toEqual({
      ...always,
      syslog_enabled: true,
      syslog_level: 'warning',
      syslog_port: 514,
    });
    expect(applyRawConfigDefaults({ syslog_enabled: false })).toEqual({ ...always, syslog_enabled: false });
    expect(applyRawConfigDefaults({ syslog_enabled: true, syslog_port: 1514, syslog_level: 'debug' })).toMatchObject({
      syslog_port: 1514,
      syslog_level: 'debug',
    });
  });

  it('defaults the registrar to the proxy', () => {
    expect(applyRawConfigDefaults({ sip_proxy_ip: '1.1.1.1' })).toEqual({
      ...always,
      sip_proxy_ip: '1.1.1.1',
      sip_registrar_ip: '1.1.1.1',
    });
    expect(applyRawConfigDefaults({ sip_proxy_ip: '1.1.1.1', sip_registrar_ip: '2.2.2.2' }).sip_registrar_ip).toBe(
      '2.2.2.2',
    );
    expect(applyRawConfigDefaults({ sip_proxy_ip: null })).toEqual({ ...always, sip_proxy_ip: null });
  });

  it('fills each line\'s registrar and auth username, keeping what is set', () => {
    const raw: RawConfig = {
      sip_lines: {
        '1': { proxy_ip: '3.3.3.3', username: 'u' },
        '2': { username: 'v', auth_username: 'w', registrar_ip: '4.4.4.4', proxy_ip: '5.5.5.5' },
      },
    };
    expect(applyRawConfigDefaults(raw).sip_lines).toEqual({
      '1': { proxy_ip: '3.3.3.3', username: 'u', registrar_ip: '3.3.3.3', auth_username: 'u' },
      '2': { username: 'v', auth_username: 'w', registrar_ip: '4.4.4.4', proxy_ip: '5.5.5.5' },
    });
  });

  it('treats null as absent (decision)', () => {
    const raw: RawConfig = {
      sip_transport: null,
      sip_srtp_mode: null,
      funckeys: null,
      sip_proxy_ip: '1.1.1.1',
      sip_registrar_ip: null,
      sip_lines: { '1': { username: 'u', auth_username: null } },
    };
    expect(applyRawConfigDefaults(raw)).toEqual({
      ...always,
      sip_proxy_ip: '1.1.1.1',
      sip_registrar_ip: '1.1.1.1',
      sip_lines: { '1': { username: 'u', auth_username: 'u' } },
    });
  });

  it('returns a new object and never changes its input', () => {
    const raw: RawConfig = { sip_lines: { '1': { proxy_ip: '3.3.3.3', username: 'u' } }, syslog_enabled: true };
    const before = structuredClone(raw);
    const result = applyRawConfigDefaults(raw);
    expect(raw).toEqual(before);
    expect(result.sip_lines['1']).not.toBe(raw.sip_lines?.['1']);
    expect(applyRawConfigDefaults(Object.freeze({ X_a: Object.freeze({ b: 1 }) }))).toMatchObject({ X_a: { b: 1 } });
  });
});
