import { describe, expect, it } from 'vitest';
import { clientIpFromForwardedFor } from './forwarded-for';

const NO_CLIENT = expect.objectContaining({ code: 'PROVD_NO_FORWARDED_CLIENT_IP' });

describe('clientIpFromForwardedFor (contract §3.10, §11.2)', () => {
  it.each([
    ['proxied_client_ip', 1, 'proxied_client_ip'],
    ['proxied_client_ip', 2, 'proxied_client_ip'],
    ['proxied_client_ip, proxied_proxy_ip', 1, 'proxied_proxy_ip'],
    ['proxied_client_ip, proxied_proxy_ip', 2, 'proxied_client_ip'],
    ['proxied_client_ip, proxied_proxy_ip', 3, 'proxied_client_ip'],
    [', proxied_proxy_ip', 1, 'proxied_proxy_ip'],
    ['1.1.1.1, 2.2.2.2, 3.3.3.3', 1, '3.3.3.3'],
    ['1.1.1.1, 2.2.2.2, 3.3.3.3', 2, '2.2.2.2'],
    ['1.1.1.1,2.2.2.2', 2, '1.1.1.1'],
  ])('X-Forwarded-For %j with %i trusted proxies → %j', (header, proxies, expected) => {
    expect(clientIpFromForwardedFor(header, proxies)).toBe(expected);
  });

  it.each([
    [undefined, 0],
    [undefined, 1],
    ['proxied_client_ip', 0],
    ['proxied_client_ip, proxied_proxy_ip', 0],
    [', proxied_proxy_ip', 0],
    [', proxied_proxy_ip', 2],
    [', proxied_proxy_ip', 3],
    ['', 1],
    ['1.1.1.1', -1],
    ['1.1.1.1', 1.5],
    ['1.1.1.1', Number.NaN],
  ])('X-Forwarded-For %j with %s trusted proxies → PROVD_NO_FORWARDED_CLIENT_IP', (header, proxies) => {
    expect(() => clientIpFromForwardedFor(header, proxies)).toThrow(NO_CLIENT);
  });

  it('explains an absent header and an empty entry', () => {
    expect(() => clientIpFromForwardedFor(undefined, 1)).toThrow('the X-Forwarded-For header is absent');
    expect(() => clientIpFromForwardedFor(', 2.2.2.2', 2)).toThrow('", 2.2.2.2" has an empty entry');
    expect(() => clientIpFromForwardedFor('1.1.1.1', 0)).toThrow('the count must be a positive integer');
  });
});
