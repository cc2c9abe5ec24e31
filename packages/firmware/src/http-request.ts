/**
 * One HTTP(S) GET, directly or through an HTTP proxy (absolute-URI requests for `http://`, a `CONNECT` tunnel for
 * `https://`), with an idle timeout. Redirects and retries are the caller's business.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ProxyConfig } from '@provd/sdk';

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  /** Request headers. */
  headers?: OutgoingHttpHeaders;
  /** Proxies by scheme. */
  proxies?: ProxyConfig;
  /** Milliseconds without any byte before the request fails. */
  timeoutMs: number;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Extra trusted certificate authorities (PEM) for `https://`, e.g. a private mirror's. */
  ca?: string | Buffer;
}

/** Raised when nothing arrived for `timeoutMs`. */
export class IdleTimeoutError extends Error {
  constructor(ms: number) {
    super(`no data for ${ms / 1000} s`);
    this.name = 'IdleTimeoutError';
  }
}

function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '') return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
}

function tunnel(proxy: URL, target: URL, options: HttpGetOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const port = target.port || '443';
    const auth = proxyAuthorization(proxy);
    const req = httpRequest({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: `${target.hostname}:${port}`,
      headers: { host: `${target.hostname}:${port}`, ...(auth ? { 'proxy-authorization': auth } : {}) },
      signal: options.signal,
    });
    req.setTimeout(options.timeoutMs, () => req.destroy(new IdleTimeoutError(options.timeoutMs)));
    req.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`proxy ${proxy.host} refused the tunnel to ${target.host}: HTTP ${res.statusCode}`));
      } else resolve(socket);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends a GET for `url` and resolves with the response head (the body is left to read).
 *
 * @example
 * ```ts
 * const res = await httpGet(new URL('http://127.0.0.1:8080/fw.tgz'), { timeoutMs: 30_000 });
 * ```
 */
export async function httpGet(url: URL, options: HttpGetOptions): Promise<IncomingMessage> {
  const secure = url.protocol === 'https:';
  const proxyText = secure ? options.proxies?.https : options.proxies?.http;
  const proxy = proxyText ? new URL(proxyText) : undefined;
  const headers: OutgoingHttpHeaders = { ...options.headers };
  let req;
  let tunnelSocket: Socket | undefined;
  if (proxy && !secure) {
    const auth = proxyAuthorization(proxy);
    req = httpRequest({ host: proxy.hostname, port: proxy.port || 80, path: url.href, headers: { ...headers, host: url.host, ...(auth ? { 'proxy-authorization': auth } : {}) }, signal: options.signal });
  } else if (proxy && secure) {
    const socket = await tunnel(proxy, url, options);
    const tls = tlsConnect({ socket, ...(isIP(url.hostname) ? {} : { servername: url.hostname }), ...(options.ca ? { ca: options.ca } : {}) });
    tunnelSocket = tls;
    req = httpsRequest({ host: url.hostname, port: url.port || 443, path: url.pathname + url.search, headers, signal: options.signal, createConnection: () => tls });
  } else {
    const request = secure ? httpsRequest : httpRequest;
    req = request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || (secure ? 443 : 80), path: url.pathname + url.search, headers, signal: options.signal, ...(secure && options.ca ? { ca: options.ca } : {}) });
  }
  return new Promise((resolve, reject) => {
    req.setTimeout(options.timeoutMs, () => req.destroy(new IdleTimeoutError(options.timeoutMs)));
    req.on('response', (res: IncomingMessage) => {
      // A tunnel serves one request: close it with the response.
      if (tunnelSocket) res.on('close', () => tunnelSocket.destroy());
      resolve(res);
    });
    req.on('error', reject);
    req.end();
  });
}
