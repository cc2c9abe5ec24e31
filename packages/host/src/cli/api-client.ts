import { hostError } from '../errors';
import type { CliIo } from './command';
import { usageError } from './read-json';

/**
 * The REST API of a running host, as the `provd` commands that manage it use it (`--api URL`, the token from
 * `PROVD_API_TOKEN`): plain JSON requests, `PROVD_API_REMOTE` errors carrying the host's code.
 */
export class HostApiClient {
  private readonly base: string;

  /** A client of the host at `url` (e.g. `http://127.0.0.1:8666`). */
  constructor(url: string, private readonly token: string | undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      usageError(`--api must be the URL of a host's API, e.g. http://127.0.0.1:8666 (received "${url}")`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') usageError(`--api must be an http:// or https:// URL (received "${url}")`);
    this.base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '').replace(/\/0\.2$/, '')}/0.2`;
  }

  /** Sends `method path` (path under `/0.2`) with an optional JSON body; resolves to the answer's JSON and headers. */
  async request(method: string, path: string, body?: unknown): Promise<{ json: any; location?: string }> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers['X-Auth-Token'] = this.token;
    if (body !== undefined) headers['Content-Type'] = 'application/vnd.proformatique.provd+json';
    const url = `${this.base}${path}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw hostError('PROVD_API_REMOTE', { url, status: 0, code: 'UNREACHABLE', message: (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message });
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      throw hostError('PROVD_API_REMOTE', { url, status: res.status, code: String(json?.error?.code ?? 'UNKNOWN'), message: String(json?.error?.message ?? (text.trim() || res.statusText)) });
    }
    return { json, location: res.headers.get('location') ?? undefined };
  }

  /**
   * Follows the operation at `location` until it succeeds or fails (showing its state on a terminal), deletes its
   * monitor, and throws `PROVD_API_REMOTE` when it failed.
   */
  async follow(location: string, io: CliIo, what: string): Promise<void> {
    const path = location.replace(/^.*?\/0\.2(?=\/)/, '');
    let status = '';
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
      for (;;) {
        const state = (await this.request('GET', path)).json;
        status = String(state?.status ?? '');
        error = state?.error;
        if (io.stderr.isTTY) io.stderr.write(`\r${what}: ${status}\u001b[K`);
        if (/^(\w+\|)?(success|fail)/.test(status)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      if (io.stderr.isTTY) io.stderr.write('\r\u001b[2K');
      await this.request('DELETE', path).catch(() => undefined);
    }
    if (!/^(\w+\|)?success/.test(status)) {
      // the host's monitor says why (its code and message); an older host only gives the status
      const code = typeof error?.code === 'string' ? error.code : 'OPERATION_FAILED';
      const message = typeof error?.message === 'string' ? `${what} ended "${status}": ${error.message}` : `${what} ended "${status}"; the host's log says why`;
      throw hostError('PROVD_API_REMOTE', { url: `${this.base}${path}`, status: 200, code, message });
    }
  }
}

/** The client of `--api URL`, the token taken from `PROVD_API_TOKEN`; `undefined` without `--api`. */
export function hostApi(flag: unknown): HostApiClient | undefined {
  if (flag === undefined || flag === false) return undefined;
  if (typeof flag !== 'string' || flag === '') usageError('--api needs the URL of the host\'s API, e.g. --api http://127.0.0.1:8666');
  return new HostApiClient(flag, process.env.PROVD_API_TOKEN || undefined);
}
