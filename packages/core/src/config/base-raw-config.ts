import { coreError } from '../errors';
import type { RawConfig } from '@provd/sdk';
import { cloneJson } from './json-value';

/** The host settings the base raw config is built from (the established host's `general` section). */
export interface BaseRawConfigOptions {
  /** The content of the base raw config file; every flattened raw config starts from it. @defaultValue {} */
  rawConfig?: Readonly<RawConfig>;
  /** The URL at which devices reach the host, e.g. `http://10.0.0.1:8667/`; `null` when not set. */
  advertisedHttpUrl?: string | null;
  /** The port the host's HTTP server listens on, used when there is no advertised URL. @defaultValue 8667 */
  httpPort?: number;
  /** The port the host's TFTP server listens on. @defaultValue 69 */
  tftpPort?: number;
}

/** The established host's default HTTP port for devices. */
export const DEFAULT_HTTP_PORT = 8667;
/** The standard TFTP port. */
export const DEFAULT_TFTP_PORT = 69;

/** Parses an `http://` or `https://` URL, or throws `PROVD_INVALID_HTTP_BASE_URL`. */
function parseHttpUrl(value: string, key: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw coreError('PROVD_INVALID_HTTP_BASE_URL', { value, key });
  }
  return url;
}

/**
 * Builds the base raw config (contract §4.3): a copy of `rawConfig`, completed where a key is absent or `null`
 * with `tftp_port`, `http_base_url` (the advertised URL, or `null`), `ip` (the host name of `http_base_url`, or
 * `null`) and `http_port`.
 *
 * `http_port` is the port of `http_base_url` as a number: its explicit port, else the scheme's default (80 for
 * `http`, 443 for `https`); without a URL it is `httpPort`. The established host used the string `"8667"` whenever
 * the URL had no explicit port, even for an `https://` URL that devices reach on 443. Throws
 * `PROVD_INVALID_HTTP_BASE_URL` when `http_base_url` is set but is not an absolute `http(s)://` URL.
 *
 * @example
 * ```ts
 * baseRawConfig({ advertisedHttpUrl: 'https://provd.example.com/' });
 * // { tftp_port: 69, http_base_url: 'https://provd.example.com/', ip: 'provd.example.com', http_port: 443 }
 * ```
 */
export function baseRawConfig(options: BaseRawConfigOptions = {}): RawConfig {
  const result = cloneJson(options.rawConfig ?? {}) as RawConfig;
  const missing = (value: unknown) => value === undefined || value === null;
  if (missing(result.tftp_port)) result.tftp_port = options.tftpPort ?? DEFAULT_TFTP_PORT;
  const urlKey = missing(result.http_base_url) ? 'advertisedHttpUrl' : 'http_base_url';
  if (missing(result.http_base_url)) result.http_base_url = options.advertisedHttpUrl ?? null;
  const url = result.http_base_url ? parseHttpUrl(result.http_base_url, urlKey) : undefined;
  if (missing(result.ip)) result.ip = url ? url.hostname.replace(/^\[(.*)\]$/, '$1') : null;
  if (missing(result.http_port)) {
    const schemePort = url?.protocol === 'https:' ? 443 : 80;
    result.http_port = url ? (url.port === '' ? schemePort : Number(url.port)) : (options.httpPort ?? DEFAULT_HTTP_PORT);
  }
  return result;
}
