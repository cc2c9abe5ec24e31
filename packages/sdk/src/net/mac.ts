import { createProvdError } from '../errors/sdk-errors';
import type { ValueContext } from './error-context';

/** 6 groups of 1-2 hex digits with one separator used throughout (the back-reference forces the same one). */
const SEPARATED_MAC = /^[\da-f]{1,2}([:-])(?:[\da-f]{1,2}\1){4}[\da-f]{1,2}$/i;
/** 12 hex digits, no separator. */
const BARE_MAC = /^[\da-f]{12}$/i;
/** The normalised form: 6 pairs of lower-case hex digits separated by `:`. */
const NORMED_MAC = /^(?:[\da-f]{2}:){5}[\da-f]{2}$/;

/** How {@link formatMac} writes a MAC address. */
export interface FormatMacOptions {
  /** Put between the 6 pairs of hex digits; `''` gives the bare form `000fd3054848`. @defaultValue ":" */
  separator?: string;
  /** Whether to write the hex digits `A`-`F` in upper case. @defaultValue false */
  uppercase?: boolean;
}

/** The 6 octets of a MAC address as lower-case 2-digit hex strings, or a `PROVD_INVALID_MAC` error. */
function macOctets(value: string, context: ValueContext): string[] {
  if (typeof value === 'string') {
    if (BARE_MAC.test(value)) {
      const v = value.toLowerCase();
      return [v.slice(0, 2), v.slice(2, 4), v.slice(4, 6), v.slice(6, 8), v.slice(8, 10), v.slice(10, 12)];
    }
    const separated = SEPARATED_MAC.exec(value);
    if (separated) return value.toLowerCase().split(separated[1] ?? ':').map((octet) => octet.padStart(2, '0'));
  }
  throw createProvdError('PROVD_INVALID_MAC', { value: String(value), ...context });
}

/**
 * Normalises a MAC address to the form provd stores: 6 pairs of lower-case hex digits separated by `:`.
 *
 * Accepted: 12 hex digits without separator, or 6 groups of 1 or 2 hex digits separated by `:` or `-` (the same
 * separator throughout; a 1-digit group is zero-padded), in any case. Anything else, including surrounding
 * whitespace or a trailing newline, throws a {@link ProvdError} `PROVD_INVALID_MAC` (the established host accepts a
 * trailing newline; see `docs/decisions.md`).
 *
 * @param value - The MAC address as received.
 * @param context - The key and device to name in the error, if any.
 * @returns The normalised MAC, e.g. `00:0f:d3:05:48:48`.
 * @example
 * ```ts
 * normMac('000FD3054848'); // '00:0f:d3:05:48:48'
 * normMac('0-f-d3-5-48-48'); // '00:0f:d3:05:48:48'
 * ```
 */
export function normMac(value: string, context: ValueContext = {}): string {
  // already normalised (a stored MAC): nothing to rebuild; identification normalises one on every request
  if (typeof value === 'string' && NORMED_MAC.test(value)) return value;
  return macOctets(value, context).join(':');
}

/**
 * Writes a MAC address (in any form {@link normMac} accepts) with another separator or case, e.g. the bare
 * lower-case form that many phones use in their file names.
 *
 * @param value - The MAC address, in any form {@link normMac} accepts.
 * @param options - The separator and case to use; the default gives the normalised form.
 * @returns The formatted MAC. Throws a {@link ProvdError} `PROVD_INVALID_MAC` when `value` is not a MAC address.
 * @example
 * ```ts
 * formatMac('00:0f:d3:05:48:48', { separator: '' }); // '000fd3054848'
 * formatMac('00:0f:d3:05:48:48', { separator: '-', uppercase: true }); // '00-0F-D3-05-48-48'
 * ```
 */
export function formatMac(value: string, options: FormatMacOptions = {}): string {
  const separator = options.separator ?? ':';
  const formatted = typeof value === 'string' && NORMED_MAC.test(value) ? value.replaceAll(':', separator) : macOctets(value, {}).join(separator);
  return options.uppercase === true ? formatted.toUpperCase() : formatted;
}

/**
 * Tells whether `value` is a MAC address already in normalised form (`00:0f:d3:05:48:48`: lower case, `:`, pairs).
 *
 * @example
 * ```ts
 * isNormedMac('00:0f:d3:05:48:48'); // true
 * isNormedMac('000fd3054848'); // false
 * ```
 */
export function isNormedMac(value: unknown): value is string {
  return typeof value === 'string' && NORMED_MAC.test(value);
}
