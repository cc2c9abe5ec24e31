import type { ProxyConfig } from '@provd/sdk';

/**
 * The proxies of the CLI's downloads (plugin repositories, firmware): `option` (a command's `--proxy`) for both
 * schemes, else the usual `http_proxy` / `https_proxy` environment variables (lower case first, as curl reads them).
 *
 * @example
 * ```ts
 * proxiesFrom(undefined, { http_proxy: 'http://proxy:3128' }); // { http: 'http://proxy:3128' }
 * ```
 */
export function proxiesFrom(option: string | undefined, env: NodeJS.ProcessEnv): ProxyConfig {
  const proxies: ProxyConfig = {};
  const http = option ?? env.http_proxy ?? env.HTTP_PROXY;
  const https = option ?? env.https_proxy ?? env.HTTPS_PROXY;
  if (http) proxies.http = http;
  if (https) proxies.https = https;
  return proxies;
}
