import type { IncomingMessage } from 'node:http';
import { clientIpFromForwardedFor } from '@provd/sdk';

/** Strips the `::ffff:` prefix of an IPv4-mapped IPv6 address. */
export function unmapIpv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Tells the client IP of requests that come through `trustedProxies` reverse proxies (contract §3.10): with 0, the
 * socket address; otherwise the entry of `X-Forwarded-For` that the outermost trusted proxy added. A request whose
 * header has too few entries gives `undefined` (the server answers 400).
 */
export function clientIpResolver(trustedProxies: number): (req: IncomingMessage) => string | undefined {
  return (req) => {
    if (trustedProxies <= 0) return req.socket.remoteAddress === undefined ? undefined : unmapIpv4(req.socket.remoteAddress);
    const header = req.headers['x-forwarded-for'];
    try {
      return unmapIpv4(clientIpFromForwardedFor(Array.isArray(header) ? header.join(',') : header, trustedProxies));
    } catch {
      return undefined;
    }
  };
}
