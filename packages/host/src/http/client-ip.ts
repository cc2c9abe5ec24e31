import { clientIpFromForwardedFor } from '@provd/sdk';

/**
 * What the client IP of a request is told from: its connection's address and its header fields (names in lower
 * case). A Node `IncomingMessage` is one; so is a request read by the server's fast path.
 */
export interface ClientAddressSource {
  /** The connection. */
  readonly socket: { readonly remoteAddress?: string | undefined };
  /** The header fields. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The IPv4 address a client is identified by: an IPv4-mapped IPv6 address (`::ffff:10.0.0.5`) without its prefix,
 * and the IPv6 loopback `::1` as `127.0.0.1` (the same host: devices hold IPv4 addresses only, contract §3.4).
 * Other addresses are returned as they are.
 */
export function unmapIpv4(address: string): string {
  if (address === '::1') return '127.0.0.1';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * Tells the client IP of requests that come through `trustedProxies` reverse proxies (contract §3.10): with 0, the
 * socket address; otherwise the entry of `X-Forwarded-For` that the outermost trusted proxy added. A request whose
 * header has too few entries gives `undefined` (the server answers 400).
 */
export function clientIpResolver(trustedProxies: number): (req: ClientAddressSource) => string | undefined {
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
