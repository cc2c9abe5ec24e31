import type { RawConfig } from '../types/raw-config';

/**
 * The base URL at which devices reach the provisioning server, the `XX_server_url` of most templates: the raw
 * config's `http_base_url` when set, otherwise `http://<ip>:<http_port>` (contract §4.3; the host always sets `ip` and
 * `http_port` in the base raw config). The URL is returned as configured, without a trailing `/` added or removed.
 *
 * @param rawConfig - The device's raw config.
 * @returns The URL, e.g. `http://10.0.0.1:8667`.
 * @example
 * ```ts
 * serverUrl({ ip: '10.0.0.1', http_port: 8667 }); // 'http://10.0.0.1:8667'
 * serverUrl({ http_base_url: 'https://provd.example.com/key123', ip: '10.0.0.1' }); // 'https://provd.example.com/key123'
 * ```
 */
export function serverUrl(rawConfig: Readonly<RawConfig>): string {
  if (rawConfig.http_base_url) return rawConfig.http_base_url;
  const port = rawConfig.http_port ?? '';
  return `http://${rawConfig.ip ?? ''}${port === '' ? '' : `:${port}`}`;
}
