import { createProvdError } from '../errors/sdk-errors';
import type { ValueContext } from './error-context';

/** One decimal number 0-255 without a leading zero. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** A dotted quad of four such numbers. */
const NORMED_IP = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
/** An IPv4 address mapped into IPv6, as Node reports IPv4 clients of a dual-stack socket. */
const MAPPED_IP = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/**
 * Checks that `value` is an IPv4 address in dotted-quad form and returns it: four decimal numbers 0-255 without
 * leading zeros, separated by `.`, nothing around them. The established host also accepts `inet_aton` shorthands
 * (`127.1`, `0x7f.1`, octal `010.0.0.1`, a 32-bit integer) and trailing garbage; provd rejects them (see
 * `docs/decisions.md`), so the result is always the input itself.
 *
 * @param value - The address as received.
 * @param context - The key and device to name in the error, if any.
 * @returns The address. Throws a {@link ProvdError} `PROVD_INVALID_IP` when it is not a dotted quad.
 * @example
 * ```ts
 * normIp('10.0.0.5'); // '10.0.0.5'
 * normIp('10.0.0.256'); // throws PROVD_INVALID_IP
 * ```
 */
export function normIp(value: string, context: ValueContext = {}): string {
  if (isNormedIp(value)) return value;
  throw createProvdError('PROVD_INVALID_IP', { value: String(value), ...context });
}

/**
 * Tells whether `value` is an IPv4 address in dotted-quad form (four decimal numbers 0-255, no leading zeros, no
 * sign, no whitespace), i.e. whether {@link normIp} accepts it.
 *
 * @example
 * ```ts
 * isNormedIp('127.0.0.1'); // true
 * isNormedIp('127.1'); // false
 * ```
 */
export function isNormedIp(value: unknown): value is string {
  return typeof value === 'string' && NORMED_IP.test(value);
}

/**
 * The dotted-quad IPv4 form of a socket address, unwrapping an IPv4-mapped IPv6 address (`::ffff:10.0.0.5`), or
 * `undefined` when the address is not IPv4 (e.g. `::1`).
 *
 * @example
 * ```ts
 * ipv4Address('::ffff:10.0.0.5'); // '10.0.0.5'
 * ipv4Address('::1'); // undefined
 * ```
 */
export function ipv4Address(address: string | undefined): string | undefined {
  const candidate = MAPPED_IP.exec(address ?? '')?.[1] ?? address;
  return isNormedIp(candidate) ? candidate : undefined;
}
