import { createReadStream } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { contentTypeOf } from '../files/content-type';
import { closeServedFile } from '../files/resolve-file';
import { notModified, rangeApplies } from './conditional';
import { servedFileHeaders, type CachedFile, type StreamedFile } from './served-file-cache';

/** Parses a single `bytes=` range against `size`: the range, `undefined` (ignore the header) or `'unsatisfiable'`. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Answers a GET or HEAD from a file held in memory: 304 for a matching conditional request, a single byte range
 * (206, or 416 when unsatisfiable), else the whole file in one write. Costs no file-system call. Returns the body
 * bytes handed to the connection (0 for HEAD, 304 and 416).
 */
export function sendCached(req: IncomingMessage, res: ServerResponse, file: CachedFile): number {
  const head = req.method === 'HEAD';
  if (req.headers['if-none-match'] === undefined && req.headers['if-modified-since'] === undefined && req.headers.range === undefined) {
    // the usual fetch: headers built once per file, one write
    res.writeHead(200, file.fullHeaders as OutgoingHttpHeaders);
    res.end(head ? undefined : file.data);
    return head ? 0 : file.data.length;
  }
  const headers: OutgoingHttpHeaders = servedFileHeaders(file.contentType, file.etag, file.lastModified);
  if (notModified(req.headers, file.etag, file.mtime)) {
    delete headers['Content-Type'];
    res.writeHead(304, headers).end();
    return 0;
  }
  const size = file.data.length;
  const range = req.headers.range !== undefined && rangeApplies(req.headers, file.etag, file.lastModified) ? parseRange(req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
    return 0;
  }
  const body = range ? file.data.subarray(range.start, range.end + 1) : file.data;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = body.length;
  res.writeHead(range ? 206 : 200, headers);
  res.end(head ? undefined : body);
  return head ? 0 : body.length;
}

/**
 * Streams an opened file (closing it) as the response to a GET or HEAD, with its content type, length, `ETag`,
 * `Last-Modified`, conditional requests (304) and single byte ranges. The file was opened before, so a file
 * replaced by an atomic rename meanwhile is sent whole, in one version. `sent` is told the size of each body chunk
 * handed to the connection.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, streamed: StreamedFile, sent?: (bytes: number) => void): Promise<void> {
  const { file, etag } = streamed;
  const { fd, size, mtime } = file;
  const lastModified = mtime.toUTCString();
  const headers: OutgoingHttpHeaders = servedFileHeaders(contentTypeOf(file.path), etag, lastModified);
  if (notModified(req.headers, etag, mtime)) {
    await closeServedFile(fd);
    delete headers['Content-Type'];
    res.writeHead(304, headers).end();
    return;
  }
  const range = req.headers.range !== undefined && rangeApplies(req.headers, etag, lastModified) ? parseRange(req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    await closeServedFile(fd);
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  const length = Math.max(0, end - start + 1);
  headers['Content-Length'] = length;
  if (req.method === 'HEAD' || length === 0) {
    await closeServedFile(fd);
    res.writeHead(range ? 206 : 200, headers).end();
    return;
  }
  res.writeHead(range ? 206 : 200, headers);
  const stream = createReadStream('', { fd, start, end, autoClose: true, highWaterMark: 256 * 1024 });
  stream.on('error', () => res.destroy());
  if (sent) stream.on('data', (chunk) => sent(chunk.length));
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
