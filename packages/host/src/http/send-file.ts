import { createReadStream, read } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contentTypeOf } from '../files/content-type';
import { closeServedFile, type OpenedFile } from '../files/resolve-file';

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

/** Files up to this size are read whole and sent in one write. */
const SMALL_FILE = 256 * 1024;

/** Reads `length` bytes at `position` of `fd`. */
function readAll(fd: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    const step = (done: number) => {
      if (done >= length) return resolve(buffer);
      read(fd, buffer, done, length - done, done, (err, n) => {
        if (err) reject(err);
        else if (n === 0) resolve(buffer.subarray(0, done));
        else step(done + n);
      });
    };
    step(0);
  });
}

/**
 * Sends an opened file (from `openServedFile`, which it closes) as the response to a GET or HEAD request, with its
 * content type, length, `Last-Modified` and single byte-range support. The file was opened before, so a file
 * replaced by an atomic rename meanwhile is sent whole, in one version.
 */
export async function sendFile(req: IncomingMessage, res: ServerResponse, file: OpenedFile): Promise<void> {
  const { fd, size, mtime } = file;
  const range = parseRange(req.headers.range, size);
  res.setHeader('Content-Type', contentTypeOf(file.path));
  res.setHeader('Last-Modified', mtime.toUTCString());
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (range === 'unsatisfiable') {
    await closeServedFile(fd);
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': 0 }).end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  if (range) res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  const length = Math.max(0, end - start + 1);
  if (req.method === 'HEAD' || length === 0) {
    await closeServedFile(fd);
    res.writeHead(range ? 206 : 200, { 'Content-Length': length }).end();
    return;
  }
  if (!range && size <= SMALL_FILE) {
    let body: Buffer;
    try {
      body = await readAll(fd, size);
    } finally {
      await closeServedFile(fd);
    }
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
    return;
  }
  res.writeHead(range ? 206 : 200, { 'Content-Length': length });
  const stream = createReadStream('', { fd, start, end, autoClose: true });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
