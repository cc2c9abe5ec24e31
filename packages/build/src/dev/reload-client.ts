import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { buildError } from '../errors';

/** Where and how to ask a running host to reload plugins. */
export interface ReloadTarget {
  /** The host's API base URL, e.g. `http://127.0.0.1:8666` (the `/0.2` prefix is added). */
  apiUrl: string;
  /** The API token (`X-Auth-Token`); absent for a host started with `--api-insecure-loopback`. */
  token?: string;
  /** How long one request may take, in ms. @defaultValue 30000 */
  timeoutMs?: number;
}

/**
 * Asks the running host at `target` to reload plugin `id` from its folder and reconfigure its devices:
 * `POST /0.2/pg_mgr/reload` with `{"id": ...}`, the established API's call for plugin development. Resolves when the
 * host answered 204; throws `PROVD_BUILD_DEV_RELOAD_FAILED` with the host's status and answer, or why it could not
 * be reached.
 *
 * @example
 * ```ts
 * await reloadPlugin({ apiUrl: 'http://127.0.0.1:8666', token: process.env.PROVD_API_TOKEN }, 'acme-1.0.0');
 * ```
 */
export async function reloadPlugin(target: ReloadTarget, id: string): Promise<void> {
  const url = new URL(`${target.apiUrl.replace(/\/+$/, '')}/0.2/pg_mgr/reload`);
  const body = JSON.stringify({ id });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), accept: 'application/json' };
  if (target.token) headers['x-auth-token'] = target.token;
  const fail = (reason: string): Error => buildError('PROVD_BUILD_DEV_RELOAD_FAILED', { plugin: id, url: url.href, reason });
  await new Promise<void>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? requestTls : request)(url, { method: 'POST', headers, timeout: target.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode === 204 || res.statusCode === 200) return resolve();
        const text = Buffer.concat(chunks).toString('utf8').trim().slice(0, 500);
        reject(fail(`the host answered ${res.statusCode}${text ? `: ${text}` : ''}`));
      });
      res.on('error', (err) => reject(fail(err.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs ?? 30_000} ms`)));
    req.on('error', (err) => reject(fail(`cannot reach it: ${err.message}`)));
    req.end(body);
  });
}
