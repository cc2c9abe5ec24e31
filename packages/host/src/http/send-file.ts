import { createReadStream } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { contentTypeOf } from '../files/content-type';
import { closeServedFile } from '../files/resolve-file';
import { notModified, rangeApplies, type ConditionalHeaders } from './conditional';
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

/** The answer to a request for a served file, before it is written: status, headers and body. */
export interface FileReply {
  /** The status. */
  status: number;
  /** The response headers (the file's `fullHeaders` for a whole-file 200: never to be changed). */
  headers: Readonly<Record<string, string | number>>;
  /** The body, absent for HEAD, 304 and 416. */
  body?: Buffer;
}

/**
 * The answer to a GET or HEAD of a file held in memory: 304 for a matching conditional request, a single byte range
 * (206, or 416 when unsatisfiable), else the whole file with the headers built once for it.
 */
export function cachedReply(head: boolean, req: ConditionalHeaders, file: CachedFile): FileReply {
  if (req['if-none-match'] === undefined && req['if-modified-since'] === undefined && req.range === undefined) {
    // the usual fetch: headers built once per file
    return head ? { status: 200, headers: file.fullHeaders } : { status: 200, headers: file.fullHeaders, body: file.data };
  }
  const headers = servedFileHeaders(file.contentType, file.etag, file.lastModified);
  if (notModified(req, file.etag, file.mtime)) {
    delete headers['Content-Type'];
    return { status: 304, headers };
  }
  const size = file.data.length;
  const range = req.range !== undefined && rangeApplies(req, file.etag, file.lastModified) ? parseRange(req.range, size) : undefined;
  if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 } };
  const body = range ? file.data.subarray(range.start, range.end + 1) : file.data;
  if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = body.length;
  return head ? { status: range ? 206 : 200, headers } : { status: range ? 206 : 200, headers, body };
}

/**
 * Answers a GET or HEAD from a file held in memory (see {@link cachedReply}) in one write. Costs no file-system
 * call. Returns the body bytes handed to the connection (0 for HEAD, 304 and 416).
 */
export function sendCached(req: IncomingMessage, res: ServerResponse, file: CachedFile): number {
  const reply = cachedReply(req.method === 'HEAD', req.headers, file);
  res.writeHead(reply.status, reply.headers as OutgoingHttpHeaders);
  res.end(reply.body);
  return reply.body?.length ?? 0;
}

/** The answer to a GET or HEAD of a streamed file, before it is written: status, headers and the bytes to send. */
export interface StreamedReply {
  /** The status. */
  status: number;
  /** The response headers. */
  headers: Record<string, string | number>;
  /** The first and last byte of the file to send (inclusive); absent when no body is sent (HEAD, 304, 416, empty). */
  body?: { start: number; end: number };
}

/** The answer to a GET or HEAD of an opened (streamed) file: 304, a single byte range (206 or 416), or all of it. */
export function streamedReply(head: boolean, req: ConditionalHeaders, streamed: StreamedFile): StreamedReply {
  const { file, etag } = streamed;
  const { size, mtime } = file;
  const lastModified = mtime.toUTCString();
  const headers = servedFileHeaders(contentTypeOf(file.path), etag, lastModified);
  if (notModified(req, etag, mtime)) {
    delete headers['Content-Type'];
    return { status: 304, headers };
  }
  const range = req.range !== undefined && rangeApplies(req, etag, lastModified) ? parseRange(req.range, size) : undefined;
  if (range === 'unsatisfiable') return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 } };
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  const length = Math.max(0, end - start + 1);
  headers['Content-Length'] = length;
  const status = range ? 206 : 200;
  return head || length === 0 ? { status, headers } : { status, headers, body: { start, end } };
}

/**
 * Streams an opened file (closing it) as the response to a GET or HEAD, with its content type, length, `ETag`,
 * `Last-Modified`, conditional requests (304) and single byte ranges. The file was opened before, so a file
 * replaced by an atomic rename meanwhile is sent whole, in one version. `sent` is told the size of each body chunk
 * handed to the connection.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, streamed: StreamedFile, sent?: (bytes: number) => void): Promise<void> {
  const reply = streamedReply(req.method === 'HEAD', req.headers, streamed);
  if (!reply.body) {
    await closeServedFile(streamed.file.fd);
    res.writeHead(reply.status, reply.headers).end();
    return;
  }
  res.writeHead(reply.status, reply.headers);
  const stream = createReadStream('', { fd: streamed.file.fd, start: reply.body.start, end: reply.body.end, autoClose: true, highWaterMark: 256 * 1024 });
  stream.on('error', () => res.destroy());
  if (sent) stream.on('data', (chunk) => sent(chunk.length));
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
