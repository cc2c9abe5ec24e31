import { describe, expect, it } from 'vitest';
import { isProvdError } from '../errors/provd-error';
import { numericEntries, requireSipLines, serverUrl } from './index';

describe('serverUrl', () => {
  it('prefers http_base_url, as configured', () => {
    expect(serverUrl({ http_base_url: 'https://p.example.com/k', ip: '10.0.0.1', http_port: 8667 })).toBe('https://p.example.com/k');
  });

  it('falls back to http://<ip>:<http_port>', () => {
    expect(serverUrl({ ip: '10.0.0.1', http_port: 8667 })).toBe('http://10.0.0.1:8667');
    expect(serverUrl({ http_base_url: null, ip: '10.0.0.1', http_port: 8667 })).toBe('http://10.0.0.1:8667');
    expect(serverUrl({ http_base_url: '', ip: '10.0.0.1', http_port: '8667' as never })).toBe('http://10.0.0.1:8667');
    expect(serverUrl({ ip: '10.0.0.1' })).toBe('http://10.0.0.1');
  });
});

describe('numericEntries', () => {
  it('orders by number, not by text', () => {
    expect(numericEntries({ '10': 'ten', '2': 'two', '1': 'one', '100': 'hundred' })).toEqual([
      [1, 'one'],
      [2, 'two'],
      [10, 'ten'],
      [100, 'hundred'],
    ]);
  });

  it('leaves out keys that are not made of digits, and accepts nothing', () => {
    expect(numericEntries({ '04': 'a', x: 'b', '-1': 'c', '1.5': 'd', '3': 'e', ' 2': 'f' })).toEqual([
      [3, 'e'],
      [4, 'a'],
    ]);
    expect(numericEntries(null)).toEqual([]);
    expect(numericEntries(undefined)).toEqual([]);
  });
});

describe('requireSipLines', () => {
  it('returns the lines in numeric order', () => {
    expect(requireSipLines({ id: 'd1' }, { sip_lines: { '10': { username: 'b' }, '2': { username: 'a' } } })).toEqual([
      [2, { username: 'a' }],
      [10, { username: 'b' }],
    ]);
  });

  it.each([{}, { sip_lines: null }, { sip_lines: {} }])('throws PROVD_RAW_CONFIG_NO_SIP_LINE for %j', (raw) => {
    let caught: unknown;
    try {
      requireSipLines({ id: 'dev-1' }, raw, 'digium-2.8.1');
    } catch (err) {
      caught = err;
    }
    expect(isProvdError(caught, 'PROVD_RAW_CONFIG_NO_SIP_LINE')).toBe(true);
    expect(caught).toMatchObject({ device: 'dev-1', plugin: 'digium-2.8.1' });
    expect((caught as Error).message).toContain('"dev-1"');
    expect((caught as Error).message).toContain('"digium-2.8.1"');
  });
});
