import { createProvdError } from '../errors/sdk-errors';

/**
 * The client IP of an HTTP request that went through `trustedProxies` reverse proxies, read from its
 * `X-Forwarded-For` header (contract §3.10): the header is split on `,`, each entry trimmed, and the first of the
 * last `trustedProxies` entries is the client. With fewer entries than proxies, the first entry is used.
 *
 * Use it only when provd sits behind reverse proxies; with none, the socket address is the client. Node joins
 * repeated `X-Forwarded-For` headers with `, `, which is what this function expects. The entry is returned as the
 * proxy wrote it (it is not checked to be an IPv4 address).
 *
 * @param forwardedFor - The `X-Forwarded-For` header, `undefined` when absent.
 * @param trustedProxies - How many reverse proxies in front of provd append to the header (at least 1).
 * @returns The client IP. Throws a {@link ProvdError} `PROVD_NO_FORWARDED_CLIENT_IP` when the chosen entry is empty
 * (header absent, or an empty entry) or `trustedProxies` is not a positive integer.
 * @example
 * ```ts
 * clientIpFromForwardedFor('1.1.1.1, 2.2.2.2, 3.3.3.3', 2); // '2.2.2.2'
 * ```
 */
export function clientIpFromForwardedFor(forwardedFor: string | undefined, trustedProxies: number): string {
  const entries = (forwardedFor ?? '').split(',').map((entry) => entry.trim());
  const ip = Number.isInteger(trustedProxies) && trustedProxies > 0
    ? entries[Math.max(0, entries.length - trustedProxies)]
    : undefined;
  if (ip) return ip;
  throw createProvdError('PROVD_NO_FORWARDED_CLIENT_IP', { forwardedFor, trustedProxies });
}
