import { describe, expect, it } from 'vitest';
import { isProvdError } from '@provd/sdk';
import { validateRawConfig } from '@provd/sdk';
import { baseRawConfig } from '../index';

describe('baseRawConfig (contract §4.3)', () => {
  it('derives ip and http_port from the advertised URL', () => {
    expect(baseRawConfig({ advertisedHttpUrl: 'http://10.0.0.1:8667/provd' })).toEqual({
      tftp_port: 69,
      http_base_url: 'http://10.0.0.1:8667/provd',
      ip: '10.0.0.1',
      http_port: 8667,
    });
  });

  it('uses the scheme\'s port, as a number, when the URL has none (fix of the "8667" string quirk)', () => {
    expect(baseRawConfig({ advertisedHttpUrl: 'https://provd.example.com/' })).toMatchObject({
      ip: 'provd.example.com',
      http_port: 443,
    });
    expect(baseRawConfig({ advertisedHttpUrl: 'http://provd.example.com' }).http_port).toBe(80);
    expect(baseRawConfig({ advertisedHttpUrl: 'http://[::1]:8080/' })).toMatchObject({ ip: '::1', http_port: 8080 });
  });

  it('without a URL, uses the HTTP port of the host and leaves ip and http_base_url null', () => {
    expect(baseRawConfig()).toEqual({ tftp_port: 69, http_base_url: null, ip: null, http_port: 8667 });
    expect(baseRawConfig({ httpPort: 8080, tftpPort: 6969 })).toMatchObject({ http_port: 8080, tftp_port: 6969 });
  });

  it('keeps what the base raw config file sets, and derives from its http_base_url', () => {
    const rawConfig = { X_comment: 'see provd.conf', tftp_port: 1069, http_base_url: 'https://a.example:8443/' };
    expect(baseRawConfig({ rawConfig, advertisedHttpUrl: 'http://b.example/' })).toEqual({
      ...rawConfig,
      ip: 'a.example',
      http_port: 8443,
    });
    expect(baseRawConfig({ rawConfig: { ip: 'c.example', http_port: 81 }, advertisedHttpUrl: 'http://b.example/' })).toMatchObject(
      { ip: 'c.example', http_port: 81, http_base_url: 'http://b.example/' },
    );
    expect(rawConfig).not.toHaveProperty('ip');
  });

  it('builds a raw config that passes validation', () => {
    expect(validateRawConfig(baseRawConfig({ advertisedHttpUrl: 'https://provd.example.com/' })).errors).toEqual([]);
    expect(validateRawConfig(baseRawConfig()).errors).toEqual([]);
  });

  it('rejects a URL that is not absolute http(s) with PROVD_INVALID_HTTP_BASE_URL', () => {
    for (const advertisedHttpUrl of ['10.0.0.1:8667', 'ftp://10.0.0.1/', '/provd', 'http://']) {
      let caught: unknown;
      try {
        baseRawConfig({ advertisedHttpUrl });
      } catch (err) {
        caught = err;
      }
      expect(isProvdError(caught, 'PROVD_INVALID_HTTP_BASE_URL')).toBe(true);
      expect(caught).toMatchObject({ key: 'advertisedHttpUrl' });
    }
    expect(() => baseRawConfig({ rawConfig: { http_base_url: 'nope' } })).toThrow(/"nope" \("http_base_url"\)/);
  });
});
