import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import { httpGet } from '@provd/firmware';
import type { ProxyConfig } from '@provd/sdk';
import { hostError } from '../errors';

/** Thrown by {@link RepositorySource.read} when a file is larger than the `maxBytes` asked for. */
export class FileTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly maxBytes: number,
  ) {
    super(`${JSON.stringify(file)} is larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/** A plugin repository: a folder or an `http(s)://` URL holding `plugins.db` and the plugin tarballs. */
export interface RepositorySource {
  /** The repository as the user gave it (for messages). */
  readonly location: string;
  /**
   * Reads one file of the repository; `undefined` when it does not exist, if `optional`. Throws
   * {@link FileTooLargeError} past `maxBytes`, and `PROVD_REPO_UNREACHABLE` when it cannot be read.
   */
  read(file: string, options?: { optional?: boolean; maxBytes?: number; deadline?: Deadline }): Promise<Buffer | undefined>;
}

/** A deadline shared by the reads of one operation (an install: the index, then the package). */
export interface Deadline {
  /** Aborts when the time is up. */
  signal: AbortSignal;
  /** The time allowed, in milliseconds (for the message). */
  ms: number;
}

/**
 * A deadline of `ms` milliseconds from now, for every read of one operation.
 *
 * @example
 * ```ts
 * const deadline = deadlineIn(120_000);
 * const index = await fetchPluginIndex(repo, { deadline });
 * ```
 */
export function deadlineIn(ms: number): Deadline {
  return { signal: AbortSignal.timeout(ms), ms };
}

const isUrl = (location: string): boolean => /^https?:\/\//i.test(location);

/** The proxy a request for `url` goes through, without its credentials (for messages). */
function proxyOf(url: URL, proxies: ProxyConfig | undefined): string | undefined {
  const proxy = url.protocol === 'https:' ? proxies?.https : proxies?.http;
  return proxy?.replace(/\/\/[^@/]*@/, '//');
}

/** Reads a response body, refusing more than `maxBytes`. */
async function readBody(response: IncomingMessage, file: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new FileTooLargeError(file, maxBytes);
      chunks.push(chunk as Buffer);
    }
  } finally {
    // a body left half-read (too large, aborted) is not downloaded further
    if (!response.complete) response.destroy();
  }
  return Buffer.concat(chunks);
}

/** The most redirects a repository read follows. */
const MAX_REDIRECTS = 10;

/** GETs `start`, through the proxy of its scheme when `proxies` has one, following redirects. */
async function getFollowing(start: URL, proxies: ProxyConfig | undefined, signal: AbortSignal, timeoutMs: number): Promise<IncomingMessage> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await httpGet(url, { headers: { 'user-agent': 'provd-repository/1' }, proxies, timeoutMs, signal });
    const status = res.statusCode ?? 0;
    if (status < 300 || status >= 400 || status === 304 || !res.headers.location) return res;
    res.resume();
    const next = new URL(res.headers.location, url);
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects (a redirect loop?)`);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`redirected to ${next.protocol} URL ${next.href}`);
    url = next;
  }
}

/** Options of {@link openRepository}. */
export interface RepositoryOptions {
  /**
   * The most a read of an `http(s)://` repository given no operation deadline may take, from the request to the
   * last byte, in milliseconds: a server that stalls or trickles fails the read with `PROVD_REPO_UNREACHABLE`.
   * @defaultValue 120000
   */
  deadlineMs?: number;
  /**
   * The HTTP(S) proxies of `http(s)://` repositories, by scheme: read at each request, so a caller changing this
   * object (the host's `http_proxy` / `https_proxy` parameters) routes the next read through the new proxy.
   */
  proxies?: ProxyConfig;
}

/** The default whole-read deadline of a repository read. */
export const REPOSITORY_DEADLINE_MS = 120_000;

function urlRepository(location: string, deadlineMs: number, proxies: ProxyConfig | undefined): RepositorySource {
  const base = new URL(location.endsWith('/') ? location : `${location}/`);
  const late = (file: string, ms: number, err: unknown) =>
    hostError('PROVD_REPO_UNREACHABLE', { repo: location, file, reason: `the operation did not complete within ${ms / 1000} s (the server stalls or trickles; raise --download-deadline if it is only slow)` }, { cause: err });
  return {
    location,
    async read(file, options = {}) {
      const url = new URL(encodeURIComponent(file), base);
      const { signal, ms } = options.deadline ?? deadlineIn(deadlineMs);
      let response: IncomingMessage;
      try {
        response = await getFollowing(url, proxies, signal, ms);
      } catch (err) {
        if (signal.aborted) throw late(file, ms, err);
        const e = err as NodeJS.ErrnoException;
        const via = proxyOf(url, proxies);
        const reason = `${e.code && !e.message.startsWith(e.code) ? `${e.code}: ` : ''}${e.message}${via ? ` (through the proxy ${via})` : ''}`;
        throw hostError('PROVD_REPO_UNREACHABLE', { repo: location, file, reason }, { cause: err });
      }
      const status = response.statusCode ?? 0;
      if (status === 404 && options.optional) {
        response.destroy();
        return undefined;
      }
      if (status < 200 || status >= 300) {
        response.destroy();
        const via = proxyOf(url, proxies);
        throw hostError('PROVD_REPO_UNREACHABLE', { repo: location, file, reason: `HTTP ${status} ${response.statusMessage ?? ''}`.trim() + (via ? ` (through the proxy ${via})` : '') });
      }
      try {
        return await readBody(response, file, options.maxBytes ?? Number.MAX_SAFE_INTEGER);
      } catch (err) {
        if (err instanceof FileTooLargeError) throw err;
        if (signal.aborted) throw late(file, ms, err);
        throw hostError('PROVD_REPO_UNREACHABLE', { repo: location, file, reason: (err as Error).message }, { cause: err });
      }
    },
  };
}

function folderRepository(location: string): RepositorySource {
  const dir = resolve(location);
  return {
    location,
    async read(file, options = {}) {
      let bytes: Buffer;
      try {
        bytes = await readFile(join(dir, file));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.optional) return undefined;
        throw hostError('PROVD_REPO_UNREACHABLE', { repo: location, file, reason: (err as Error).message }, { cause: err });
      }
      if (options.maxBytes !== undefined && bytes.length > options.maxBytes) throw new FileTooLargeError(file, options.maxBytes);
      return bytes;
    },
  };
}

/**
 * Opens a plugin repository: an `http://` or `https://` URL, or a local folder. Files are read whole (plugins.db and
 * plugin tarballs are small); `maxBytes` bounds a read, and `deadlineMs` how long a read over HTTP may take.
 *
 * @example
 * ```ts
 * const repo = openRepository('dist/repo');
 * const db = await repo.read('plugins.db');
 * ```
 */
export function openRepository(location: string, options: RepositoryOptions = {}): RepositorySource {
  return isUrl(location) ? urlRepository(location, options.deadlineMs ?? REPOSITORY_DEADLINE_MS, options.proxies) : folderRepository(location);
}
