/**
 * Downloads a firmware file into the cache: streamed to a partial file in the cache folder, size and digests checked
 * while streaming, renamed into place only when both match. Redirects are followed within a bound; network errors,
 * timeouts, cut transfers and 5xx answers are retried with backoff, resuming with a `Range` request when the server
 * allows it. The partial file is named after the file and its digest, so a download that was killed (or ran out of
 * retries or time) is resumed by the next one; content that proves wrong is removed. A whole-download deadline stops a
 * server that trickles.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readdir, rename, rm, stat, truncate } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProvdError } from '@provd/sdk';
import { firmwareError } from './errors';
import type { ProxyConfig } from '@provd/sdk';
import { httpGet, IdleTimeoutError } from './http-request';
import type { FirmwareFile } from '@provd/sdk';
import { digestProblem, FileDigester } from './verify';

/** HTTP Basic credentials for files whose downloader is `auth`. */
export interface DownloadCredentials {
  /** The user name. */
  username: string;
  /** The password. */
  password: string;
}

/** Network settings of downloads. */
export interface DownloadOptions {
  /** HTTP(S) proxies by scheme (the host's general configuration). */
  proxies?: ProxyConfig;
  /** Extra trusted certificate authorities (PEM) for `https://` downloads. */
  ca?: string | Buffer;
  /** Credentials for files whose downloader is `auth` (HTTP Basic). */
  credentials?: DownloadCredentials;
  /** Most redirects followed (default 10). */
  maxRedirects?: number;
  /** Milliseconds without data before an attempt fails (default 30 000). */
  timeoutMs?: number;
  /** Attempts after the first one (default 3). */
  retries?: number;
  /** Delay before the first retry in ms, doubled at each retry (default 1000). */
  backoffMs?: number;
  /** Called as bytes arrive, with the bytes of the file received so far (resumed bytes included). */
  onProgress?: (received: number, total: number) => void;
  /** Cancels the download. */
  signal?: AbortSignal;
  /**
   * The most the whole download (every attempt and backoff) may take, in milliseconds; past it, it fails with
   * `PROVD_FETCHFW_DOWNLOAD_FAILED` and the partial file is kept for the next try. Default: 60 s plus the time the
   * file takes at 256 KiB/s.
   */
  deadlineMs?: number;
}

/** The default whole-download deadline of a file of `size` bytes: 60 s plus its time at 256 KiB/s. */
export const defaultDeadlineMs = (size: number): number => 60_000 + Math.ceil((size / (256 * 1024)) * 1000);

/** The partial file of a download of `file`: its name and digest, so a later download of the same file resumes it. */
export const partialName = (file: Pick<FirmwareFile, 'filename' | 'sha1' | 'sha256'>): string => `.${file.filename}.${(file.sha256 ?? file.sha1).slice(0, 16)}.part`;

/** How long a partial file waits for a download to resume it before the cache drops it. */
export const PARTIAL_MAX_AGE_MS = 24 * 3600 * 1000;

/**
 * Cache housekeeping before a download: removes the partial files of `filename` other than `keep` (older names, or
 * another version of the file) and every partial file no download touched for {@link PARTIAL_MAX_AGE_MS}.
 */
async function removeOtherPartials(cacheDir: string, filename: string, keep: string): Promise<void> {
  const names = (await readdir(cacheDir).catch(() => [] as string[])).filter((n) => n.startsWith('.') && n.endsWith('.part') && n !== keep);
  const now = Date.now();
  await Promise.all(
    names.map(async (n) => {
      const path = join(cacheDir, n);
      const old = n.startsWith(`.${filename}.`) || now - ((await stat(path).catch(() => undefined))?.mtimeMs ?? now) > PARTIAL_MAX_AGE_MS;
      if (old) await rm(path, { force: true });
    }),
  );
}

class RetryableError extends Error {}

/** Tells whether provd downloads `file` itself (an `http://` or `https://` URL); otherwise it is placed by hand. */
export function isDownloadable(file: Pick<FirmwareFile, 'url'>): boolean {
  return file.url !== undefined && /^https?:\/\//i.test(file.url);
}

const RESUME_START = /^bytes (\d+)-/;

function cleanReason(err: unknown): string {
  if (err instanceof IdleTimeoutError) return `timed out (${err.message})`;
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}${e.message && !e.message.startsWith(e.code) ? ` (${e.message})` : ''}` : String(e.message ?? err);
}

/** Follows redirects until a non-redirect answer; returns it and the final URL. */
async function follow(start: URL, file: FirmwareFile, dest: string, headers: Record<string, string>, options: DownloadOptions, timeoutMs: number): Promise<{ res: IncomingMessage; url: URL }> {
  const max = options.maxRedirects ?? 10;
  let url = start;
  for (let hop = 0; ; hop++) {
    const sendAuth = options.credentials && file.downloader === 'auth' && url.origin === start.origin;
    const auth = sendAuth ? { authorization: `Basic ${Buffer.from(`${options.credentials!.username}:${options.credentials!.password}`).toString('base64')}` } : {};
    const res = await httpGet(url, { headers: { 'user-agent': 'provd-fetchfw/1', ...headers, ...auth }, proxies: options.proxies, timeoutMs, signal: options.signal, ...(options.ca ? { ca: options.ca } : {}) });
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && res.headers.location) {
      res.resume();
      if (hop >= max) throw firmwareError('PROVD_FETCHFW_TOO_MANY_REDIRECTS', { url: start.href, max, file: dest });
      const next = new URL(res.headers.location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw firmwareError('PROVD_FETCHFW_HTTP_ERROR', { url: next.href, status, file: dest });
      }
      url = next;
      continue;
    }
    return { res, url };
  }
}

/**
 * Downloads `file` into `cacheDir` and returns its path there. The file appears under its cache name only once its
 * size and digests are right; on any failure nothing is left in the cache.
 *
 * @example
 * ```ts
 * const path = await downloadFile(file, join(pluginDir, 'var/cache'), { proxies: generalConfig.proxies });
 * ```
 */
export async function downloadFile(file: FirmwareFile, cacheDir: string, options: DownloadOptions = {}): Promise<string> {
  const dest = join(cacheDir, file.filename);
  if (!isDownloadable(file) || file.url === undefined) {
    throw firmwareError('PROVD_FETCHFW_MANUAL_FILE', { path: dest, size: file.size, sha1: file.sha1, url: file.url });
  }
  const start = new URL(file.url);
  const temp = join(cacheDir, partialName(file));
  const digester = new FileDigester(file);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 3;
  const deadlineMs = options.deadlineMs ?? defaultDeadlineMs(file.size);
  const deadline = AbortSignal.timeout(deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const late = () =>
    firmwareError('PROVD_FETCHFW_DOWNLOAD_FAILED', { url: start.href, reason: `it did not complete within ${deadlineMs / 1000} s (the server stalls or trickles); the partial file is kept and the next install resumes it`, attempts: attempt, file: dest });
  let attempt = 0;
  let lastError: unknown;
  // a partial file is kept only when the download may resume later: cut short (network, time, a kill), never wrong
  let keepPartial = false;
  try {
    await removeOtherPartials(cacheDir, file.filename, partialName(file));
    await (await open(temp, 'a')).close(); // a partial file left by an earlier download is resumed
    let resumed = (await stat(temp)).size > 0;
    for (;;) {
      attempt++;
      try {
        await attemptOnce();
        break;
      } catch (err) {
        if (deadline.aborted && !options.signal?.aborted) {
          keepPartial = true;
          throw late();
        }
        if (!(err instanceof RetryableError) && (isProvdError(err) || options.signal?.aborted)) {
          keepPartial = options.signal?.aborted === true;
          throw err;
        }
        lastError = err instanceof RetryableError ? err.message : cleanReason(err);
        if (attempt > retries) {
          keepPartial = true; // what arrived is a prefix of the right size: the next download resumes it
          if (err instanceof RetryableError && err.cause) throw err.cause;
          throw firmwareError('PROVD_FETCHFW_DOWNLOAD_FAILED', { url: start.href, reason: String(lastError), attempts: attempt, file: dest });
        }
        try {
          await sleep((options.backoffMs ?? 1000) * 2 ** (attempt - 1), undefined, { signal });
        } catch (aborted) {
          keepPartial = true;
          if (deadline.aborted && !options.signal?.aborted) throw late();
          throw aborted;
        }
      }
    }
    let problem = digestProblem(file, digester, dest, start.href);
    if (problem && resumed) {
      // the earlier partial file was not a prefix of this file (it changed on the server): download it whole once
      resumed = false;
      await restart();
      attempt = 0;
      await attemptOnce();
      problem = digestProblem(file, digester, dest, start.href);
    }
    if (problem) throw problem;
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, dest);
    return dest;
  } finally {
    if (!keepPartial || (await stat(temp).catch(() => undefined))?.size === 0) await rm(temp, { force: true });
  }

  async function attemptOnce(): Promise<void> {
    await resync();
    const offset = digester.bytes;
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const { res } = await follow(start, file, dest, headers, { ...options, signal }, timeoutMs);
    const status = res.statusCode ?? 0;
    if (status === 401 || status === 403) {
      res.resume();
      throw firmwareError('PROVD_FETCHFW_AUTH_FAILED', { url: start.href, status, file: dest });
    }
    if (status >= 500 || status === 408 || status === 429) {
      res.resume();
      throw new RetryableError(`HTTP ${status}`, { cause: firmwareError('PROVD_FETCHFW_HTTP_ERROR', { url: start.href, status, file: dest }) });
    }
    if (status === 416 && offset > 0) {
      res.resume();
      await restart();
      throw new RetryableError('the server refused to resume (HTTP 416)');
    }
    let append = false;
    if (status === 206 && offset > 0) {
      const m = RESUME_START.exec(String(res.headers['content-range'] ?? ''));
      if (!m || Number(m[1]) !== offset) {
        res.resume();
        await restart();
        throw new RetryableError(`the server resumed at the wrong offset (${String(res.headers['content-range'])})`);
      }
      append = true;
    } else if (status !== 200) {
      res.resume();
      throw firmwareError('PROVD_FETCHFW_HTTP_ERROR', { url: start.href, status, file: dest });
    }
    // From here to the listeners of receive() nothing awaits: a response that ends early must not end unobserved.
    if (!append) digester.reset();
    const length = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    if (length !== undefined && Number.isFinite(length) && digester.bytes + length !== file.size) {
      res.resume();
      throw firmwareError('PROVD_FETCHFW_SIZE_MISMATCH', { file: dest, expected: file.size, received: digester.bytes + length, url: start.href });
    }
    await receive(res, append ? 'a' : 'w');
    if (!res.complete || digester.bytes < file.size) {
      throw new RetryableError(`the transfer stopped at ${digester.bytes} of ${file.size} bytes`);
    }
  }

  /**
   * Streams the body to the end of the temporary file. Every chunk the response delivers is written, even when the
   * connection then breaks, so the next attempt resumes exactly after it.
   */
  async function receive(res: IncomingMessage, flags: 'a' | 'w'): Promise<void> {
    const out = createWriteStream(temp, { flags, highWaterMark: 1024 * 1024 });
    let failure: unknown;
    await new Promise<void>((resolve) => {
      res.on('data', (chunk: Buffer) => {
        if (failure !== undefined) return;
        if (digester.bytes + chunk.length > file.size) {
          failure = firmwareError('PROVD_FETCHFW_SIZE_MISMATCH', { file: dest, expected: file.size, received: digester.bytes + chunk.length, url: start.href });
          res.unpipe(out);
          res.destroy();
          return;
        }
        digester.update(chunk);
        options.onProgress?.(digester.bytes, file.size);
      });
      res.on('error', (err) => {
        failure ??= err;
      });
      res.on('close', () => out.end());
      if (res.destroyed) out.end();
      out.on('close', resolve);
      out.on('error', (err) => {
        failure ??= err;
        res.destroy();
      });
      res.pipe(out, { end: false });
    });
    if (failure !== undefined) throw failure;
  }

  /** Makes the digester match the bytes really on disk (a failed attempt may lose buffered writes). */
  async function resync(): Promise<void> {
    const onDisk = (await stat(temp)).size;
    if (onDisk > file.size) return restart(); // not a prefix of this file
    if (onDisk === digester.bytes) return;
    digester.reset();
    if (onDisk === 0) return;
    for await (const chunk of createReadStream(temp, { highWaterMark: 1024 * 1024 })) digester.update(chunk as Buffer);
  }

  async function restart(): Promise<void> {
    digester.reset();
    await truncate(temp, 0);
  }
}
