import { STATUS_CODES } from 'node:http';

let date = '';

/**
 * The `Date` of responses: the current time as an HTTP date, taken at most once a second (as Node's own HTTP server
 * does).
 */
export function httpDate(): string {
  if (date === '') {
    const now = Date.now();
    date = new Date(now).toUTCString();
    setTimeout(() => (date = ''), 1000 - (now % 1000)).unref();
  }
  return date;
}

/** The keep-alive timeout of provisioning connections, in ms (told to clients in `Keep-Alive`). */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

/**
 * The status line and header lines of a response, without `Date`, `Connection` and the blank line, as Node's HTTP
 * server writes them (headers in the order given, values as they are).
 */
export function statusAndHeaders(status: number, headers: Readonly<Record<string, string | number>>): string {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  return head;
}

let tailDate = '';
let keepTail = Buffer.alloc(0);
let closeTail = Buffer.alloc(0);

/**
 * The end of a response head: `Date`, then `Connection: keep-alive` with `Keep-Alive: timeout=5`, or
 * `Connection: close`, and the blank line (as Node's HTTP server ends it). Built once a second.
 */
export function headTail(keepAlive: boolean): Buffer {
  const now = httpDate();
  if (now !== tailDate) {
    tailDate = now;
    keepTail = Buffer.from(`Date: ${now}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}\r\n\r\n`, 'latin1');
    closeTail = Buffer.from(`Date: ${now}\r\nConnection: close\r\n\r\n`, 'latin1');
  }
  return keepAlive ? keepTail : closeTail;
}
