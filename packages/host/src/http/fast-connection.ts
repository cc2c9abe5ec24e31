import { createReadStream, type ReadStream } from 'node:fs';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { closeServedFile } from '../files/resolve-file';
import { notModified } from './conditional';
import { cachedReply, streamedReply } from './send-file';
import { headTail, statusAndHeaders } from './response-head';
import { servedFileHeaders, type CachedFile, type StreamedFile } from './served-file-cache';

/** What the server decided to answer a request with: a short text, a file held in memory, or a file to stream. */
export type HttpDecision =
  | { status: number; message: string; headers?: Record<string, string> }
  | { cached: CachedFile }
  | { streamed: StreamedFile };

/** What the report of one request gathers while it is answered: who asked, who it was found to be, bytes sent. */
export interface Answer {
  /** The client IP, once told. */
  client?: string;
  /** The device id identification found. */
  device?: string;
  /** The plugin serving it. */
  plugin?: string;
  /** The body bytes handed to the connection. */
  bytes: number;
}

/** The headers of a short text answer (`plain`) with its body; shared by both paths of the server. */
export function plainReply(status: number, message: string, extra?: Record<string, string>): { status: number; headers: Record<string, string | number>; body: Buffer } {
  const body = Buffer.from(`${message}\n`);
  const headers: Record<string, string | number> = { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length, 'X-Content-Type-Options': 'nosniff' };
  if (extra) Object.assign(headers, extra);
  return { status, headers, body };
}

/** One request read by the fast path, as the server's routing and reporting see it. */
export interface FastRequest {
  /** `GET` or `HEAD`. */
  readonly method: 'GET' | 'HEAD';
  /** The request target as received (origin form). */
  readonly target: string;
  /** The header fields, names in lower case, values without surrounding white space (no name twice). */
  readonly headers: Record<string, string>;
  /** The connection (for the socket address). */
  readonly socket: Socket;
  /** When the request head was complete (`performance.now()`). */
  readonly started: number;
  /** The report's gathering. */
  readonly answer: Answer;
}

/** What a {@link FastConnection} needs from its server. */
export interface FastConnectionHost {
  /** Decides the answer to a request and hands it to `done`, once, never before returning (a failure is a 500). */
  decide(request: FastRequest, done: (decision: HttpDecision) => void): void;
  /** Hands the connection to Node's HTTP server, with the bytes read and not handled (they are read again there). */
  handover(socket: Socket, unread: Buffer | undefined): void;
  /** Reports a request whose answer was handed to the connection, or that was cut short (`aborted`). */
  report?(request: FastRequest, status: number, aborted: boolean): void;
  /** The connection ended. */
  gone(connection: FastConnection): void;
  /** The server is closing: answers say `Connection: close`. */
  closing: boolean;
}

/** The request heads the fast path serves; a longer one goes to Node's server, which tells 431 or serves it. */
const MAX_FAST_HEAD_BYTES = 6144;
/** The longest request target the fast path serves (the server answers longer ones 414, through Node's parser). */
const MAX_FAST_TARGET = 2048;
/** Requests read ahead of their answers on one connection before reading stops until answers are written. */
const MAX_PIPELINED = 16;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const BAD_REQUEST = Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n', 'latin1');
const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n', 'latin1');
const REQUEST_LINE = /^(GET|HEAD) (\/[!-~]*) HTTP\/1\.([01])$/;
/** The token characters of header names (RFC 9110 §5.6.2), by character code. */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TOKEN[c.charCodeAt(0)] = 1;

/** A request head parsed by {@link parseHead}. */
interface ParsedHead {
  method: 'GET' | 'HEAD';
  target: string;
  headers: Record<string, string>;
  keepAlive: boolean;
}

/**
 * Parses a request head (without its final blank line) the fast path serves with certainty: `GET` or `HEAD` of an
 * origin-form target, HTTP/1.1 with `Host` or HTTP/1.0, well-formed fields (no obs-fold, no name twice), no body
 * (`Content-Length: 0` at most, no `Transfer-Encoding`), no `Expect` or `Upgrade`. Anything else is `undefined`:
 * Node's HTTP server answers it, exactly as without the fast path.
 */
export function parseHead(head: string): ParsedHead | undefined {
  const lineEnd = head.indexOf('\r\n');
  const line = REQUEST_LINE.exec(lineEnd < 0 ? head : head.slice(0, lineEnd));
  if (!line) return undefined;
  const target = line[2]!;
  if (target.length > MAX_FAST_TARGET) return undefined;
  const minor = line[3] === '1';
  const headers: Record<string, string> = {};
  let connection: string | undefined;
  // header lines: a token name, the colon, the value without surrounding SP/HTAB, no control character but HTAB
  // in it (the head is decoded as latin1: bytes above 0x7f are obs-text, as Node's parser takes them), CRLF
  const n = head.length;
  let at = lineEnd < 0 ? n : lineEnd + 2;
  while (at < n) {
    let i = at;
    while (i < n && TOKEN[head.charCodeAt(i)] === 1) i++;
    if (i === at || head.charCodeAt(i) !== 58) return undefined;
    const name = head.slice(at, i).toLowerCase();
    i++;
    while (i < n && (head.charCodeAt(i) === 32 || head.charCodeAt(i) === 9)) i++;
    const valueStart = i;
    let valueEnd = i;
    for (; i < n; i++) {
      const c = head.charCodeAt(i);
      if (c === 13) break;
      if ((c < 32 && c !== 9) || c === 127) return undefined;
      if (c !== 32 && c !== 9) valueEnd = i + 1;
    }
    if (i < n && head.charCodeAt(i + 1) !== 10) return undefined;
    at = i + 2;
    if (name in headers || name === '__proto__') return undefined;
    const value = head.slice(valueStart, valueEnd);
    switch (name) {
      case 'content-length':
        if (value !== '0') return undefined;
        break;
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return undefined;
      case 'connection':
        connection = value.toLowerCase();
        break;
    }
    headers[name] = value;
  }
  if (minor && headers.host === undefined) return undefined;
  let close = false;
  let keep = false;
  if (connection !== undefined) {
    for (const raw of connection.split(',')) {
      const option = raw.trim();
      if (option === 'close') close = true;
      else if (option === 'keep-alive') keep = true;
      else if (option === 'upgrade') return undefined;
    }
  }
  // HTTP/1.1 keeps the connection unless told to close, HTTP/1.0 only when asked to keep it
  const keepAlive = !close && (minor || keep);
  return { method: line[1] as 'GET' | 'HEAD', target, headers, keepAlive };
}

/** One request of a connection, from its head to its answer written. */
class Pending implements FastRequest {
  readonly answer: Answer = { bytes: 0 };
  readonly started = performance.now();
  /** The answer, ready to write (the whole of it, or the head of a streamed one). */
  out: Buffer | undefined;
  /** The bytes of a streamed file to send after `out`. */
  stream: { streamed: StreamedFile; start: number; end: number } | undefined;
  status = 200;
  /** Reported (answered or cut short): nothing more to do. */
  done = false;
  constructor(
    readonly method: 'GET' | 'HEAD',
    readonly target: string,
    readonly headers: Record<string, string>,
    readonly socket: Socket,
    public keepAlive: boolean,
  ) {}
}

/**
 * Held files up to this size keep their whole answers (head and body in one buffer) for reuse, for the current
 * second's `Date` only: at most one more copy of each such file, usually (two when clients also ask to close).
 */
const MAX_REUSED_ANSWER = 16 * 1024;

/** A held file's answers kept for reuse: the whole-file 200 and the 304, by head tail (`Date`, keep-alive or close). */
interface ReusedAnswers {
  /** The whole-file 200 head up to `Date`. */
  head: Buffer;
  /** The 304 head up to `Date`, once asked for. */
  notModifiedHead?: Buffer;
  /** The answers with the current `Date`. */
  answers: { status: 200 | 304; tail: Buffer; out: Buffer }[];
}

/** Built once per held file (and once a second per `Date`): an answered fetch or revalidation costs no copy. */
const reusedAnswers = new WeakMap<CachedFile, ReusedAnswers>();

/**
 * The answer to a GET (or HEAD, not kept) of a held file: the whole file (200), or `304 Not Modified`; `tail` after
 * its headers.
 */
function reusedAnswer(file: CachedFile, status: 200 | 304, tail: Buffer, head: boolean): Buffer {
  let reused = reusedAnswers.get(file);
  if (!reused) reusedAnswers.set(file, (reused = { head: Buffer.from(statusAndHeaders(200, file.fullHeaders), 'latin1'), answers: [] }));
  if (status === 304) {
    if (!reused.notModifiedHead) {
      const headers = servedFileHeaders(file.contentType, file.etag, file.lastModified);
      delete headers['Content-Type'];
      reused.notModifiedHead = Buffer.from(statusAndHeaders(304, headers), 'latin1');
    }
  } else if (head || file.data.length > MAX_REUSED_ANSWER) return joined(reused.head, tail, head ? undefined : file.data);
  const answers = reused.answers;
  for (const answer of answers) if (answer.tail === tail && answer.status === status) return answer.out;
  const out = status === 304 ? joined(reused.notModifiedHead!, tail, undefined, true) : joined(reused.head, tail, file.data, true);
  // the answers of an earlier second are dropped (the tails of one second are the same objects)
  const current = answers.filter((answer) => answer.tail === headTail(true) || answer.tail === headTail(false));
  current.push({ status, tail, out });
  reused.answers = current;
  return out;
}

/** `head`, the `Date`/`Connection` tail and `body` in one buffer. */
function joined(head: Buffer, tail: Buffer, body: Buffer | undefined, kept = false): Buffer {
  const length = head.length + tail.length + (body?.length ?? 0);
  // a buffer kept for reuse does not hold on to a slice of the shared pool
  const out = kept ? Buffer.allocUnsafeSlow(length) : Buffer.allocUnsafe(length);
  head.copy(out, 0);
  tail.copy(out, head.length);
  body?.copy(out, head.length + tail.length);
  return out;
}

const PAUSE_WRITE = 1;
const PAUSE_PIPELINE = 2;
const PAUSE_HANDOVER = 4;

/**
 * The fast path of the plain-HTTP provisioning server on one connection: reads the socket itself, parses the simple
 * requests phones send ({@link parseHead}), answers them in order (several may be in one segment, routing is
 * async), each in one write of one buffer (a streamed file: its head, then the file with backpressure). The first
 * request it does not serve with certainty, or a head over its limit, hands the connection, with the unread bytes,
 * to Node's HTTP server once the answers before it are written: from there Node's server answers, as it does
 * without the fast path. Timeouts as Node's server: a request head not complete within `headersTimeoutMs` of its
 * first byte (or of the connection) is answered 408 and the connection closed; an idle keep-alive connection is
 * closed after `keepAliveTimeoutMs` (both checked by the server's {@link FastConnection.sweep}).
 */
export class FastConnection {
  private readonly socket: Socket;
  private readonly host: FastConnectionHost;
  private readonly queue: Pending[] = [];
  /** Bytes read and not yet parsed (an incomplete head). */
  private unread: Buffer | undefined;
  /** Since when a request head is awaited and incomplete (0: none awaited, e.g. while answering). */
  private headSince: number;
  /** Since when the connection is idle between requests (0: not idle). */
  private idleSince = 0;
  /** Why reading is paused (bit set). */
  private paused = 0;
  /** No more requests are read (a `Connection: close` request was read, or the connection ended). */
  private stopped = false;
  /** The connection goes to Node's server with these bytes once the queue is answered. */
  private handoverPending = false;
  private streaming: ReadStream | undefined;
  private closed = false;

  /** Serves `socket` (a plain TCP connection just accepted). */
  constructor(socket: Socket, host: FastConnectionHost) {
    this.socket = socket;
    this.host = host;
    this.headSince = Date.now();
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('end', this.onEnd);
    socket.on('close', this.onClose);
  }

  /**
   * The client ended its side: as Node's server (no half-open HTTP), the requests not answered yet are cut short and
   * the connection ends; an incomplete head is answered 400.
   */
  private readonly onEnd = (): void => {
    const partial = this.unread !== undefined && !this.stopped && this.queue.length === 0;
    this.stopped = true;
    this.streaming?.destroy();
    for (const pending of this.queue.splice(0)) this.finish(pending, true);
    if (!this.socket.writable) return;
    if (partial) this.socket.end(BAD_REQUEST);
    else this.socket.end();
  };

  private readonly onData = (chunk: Buffer): void => {
    if (this.stopped) return;
    this.idleSince = 0;
    this.unread = this.unread ? Buffer.concat([this.unread, chunk]) : chunk;
    this.parse();
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.stopped = true;
    this.streaming?.destroy();
    for (const pending of this.queue.splice(0)) this.finish(pending, true);
    this.host.gone(this);
  };

  /** Reads the complete request heads of `unread`, as far as the pipelining bound lets it. */
  private parse(): void {
    const data = this.unread;
    if (!data) return;
    let at = 0;
    while (at < data.length) {
      if (this.queue.length >= MAX_PIPELINED) {
        this.pause(PAUSE_PIPELINE);
        break;
      }
      const end = data.indexOf(HEAD_END, at);
      if (end < 0 || end - at > MAX_FAST_HEAD_BYTES) {
        if (end >= 0 || data.length - at > MAX_FAST_HEAD_BYTES) return this.toNode(data.subarray(at));
        if (this.headSince === 0) this.headSince = Date.now();
        break;
      }
      const head = parseHead(data.toString('latin1', at, end));
      if (!head) return this.toNode(data.subarray(at));
      at = end + 4;
      this.headSince = 0;
      this.enqueue(head);
      if (!head.keepAlive) {
        // what follows a Connection: close request is never read
        this.stopped = true;
        at = data.length;
      }
    }
    this.unread = at < data.length ? data.subarray(at) : undefined;
  }

  private enqueue(head: ParsedHead): void {
    const pending = new Pending(head.method, head.target, head.headers, this.socket, head.keepAlive);
    this.queue.push(pending);
    this.host.decide(pending, (decision) => this.ready(pending, decision));
  }

  /** Builds the answer of `pending` from its decision; writes what is ready at the front of the queue. */
  private ready(pending: Pending, decision: HttpDecision): void {
    if (pending.done) {
      if ('streamed' in decision) void closeServedFile(decision.streamed.file.fd);
      return;
    }
    const head = pending.method === 'HEAD';
    if (this.host.closing) pending.keepAlive = false;
    const tail = headTail(pending.keepAlive);
    if ('cached' in decision) {
      const file = decision.cached;
      const asked = pending.headers;
      if (asked.range === undefined && (asked['if-none-match'] !== undefined || asked['if-modified-since'] !== undefined) && notModified(asked, file.etag, file.mtime)) {
        // a phone revalidating its unchanged file
        pending.status = 304;
        pending.out = reusedAnswer(file, 304, tail, head);
      } else {
        const reply = cachedReply(head, asked, file);
        pending.status = reply.status;
        pending.out = reply.headers === file.fullHeaders ? reusedAnswer(file, 200, tail, head) : joined(Buffer.from(statusAndHeaders(reply.status, reply.headers), 'latin1'), tail, reply.body);
        pending.answer.bytes = reply.body?.length ?? 0;
      }
    } else if ('streamed' in decision) {
      const reply = streamedReply(head, pending.headers, decision.streamed);
      pending.status = reply.status;
      pending.out = joined(Buffer.from(statusAndHeaders(reply.status, reply.headers), 'latin1'), tail, undefined);
      if (reply.body) pending.stream = { streamed: decision.streamed, ...reply.body };
      else void closeServedFile(decision.streamed.file.fd);
    } else {
      const reply = plainReply(decision.status, decision.message, decision.headers);
      pending.status = reply.status;
      pending.out = joined(Buffer.from(statusAndHeaders(reply.status, reply.headers), 'latin1'), tail, head ? undefined : reply.body);
      pending.answer.bytes = head ? 0 : reply.body.length;
    }
    if (this.queue[0] === pending) this.flush();
  }

  /** Writes the answers ready at the front of the queue, in order, in one write. */
  private flush(): void {
    if (this.streaming || this.closed) return;
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    const written: Pending[] = [];
    let last: Pending | undefined;
    while (this.queue.length > 0 && this.queue[0]!.out) {
      const pending = this.queue.shift()!;
      if (!first) first = pending.out!;
      else (more ??= [first]).push(pending.out!);
      last = pending;
      if (pending.stream || !pending.keepAlive) break;
      written.push(pending);
    }
    if (!first) return;
    const flowing = this.socket.write(more ? Buffer.concat(more) : first);
    for (const pending of written) this.finish(pending, false);
    if (last!.stream) return this.startStream(last!);
    if (!last!.keepAlive) {
      this.finish(last!, false);
      return this.end();
    }
    if (!flowing && (this.paused & PAUSE_WRITE) === 0) {
      // the client reads slower than it asks: read no more requests until the answers written are taken
      this.pause(PAUSE_WRITE);
      this.socket.once('drain', () => this.resume(PAUSE_WRITE));
    }
    this.afterAnswers();
  }

  /** Once the queue is answered: the hand-over waiting for it, or idle until the next request. */
  private afterAnswers(): void {
    if (this.queue.length > 0) return;
    if (this.handoverPending) return this.toNode(this.unread);
    if (this.paused & PAUSE_PIPELINE) {
      this.resume(PAUSE_PIPELINE);
      this.parse();
      return;
    }
    if (!this.unread) this.idleSince = Date.now();
    else if (this.headSince === 0) this.headSince = Date.now();
  }

  private startStream(pending: Pending): void {
    const { streamed, start, end } = pending.stream!;
    const stream = createReadStream('', { fd: streamed.file.fd, start, end, autoClose: true, highWaterMark: 256 * 1024 });
    this.streaming = stream;
    stream.on('data', (chunk) => (pending.answer.bytes += chunk.length));
    stream.on('error', () => this.socket.destroy());
    stream.on('end', () => {
      this.streaming = undefined;
      stream.unpipe(this.socket);
      this.finish(pending, false);
      if (!pending.keepAlive) return this.end();
      this.flush();
      this.afterAnswers();
    });
    stream.pipe(this.socket, { end: false });
  }

  private finish(pending: Pending, aborted: boolean): void {
    if (pending.done) return;
    pending.done = true;
    this.host.report?.(pending, pending.status, aborted);
  }

  /** Ends the connection after the answers written (a `Connection: close` request, or the server closing). */
  private end(): void {
    this.stopped = true;
    for (const pending of this.queue.splice(0)) this.finish(pending, true);
    this.socket.end();
  }

  /** Gives the connection to Node's server once the answers before `unread` are written. */
  private toNode(unread: Buffer | undefined): void {
    this.unread = unread;
    if (this.queue.length > 0) {
      this.handoverPending = true;
      this.stopped = true;
      this.pause(PAUSE_HANDOVER);
      return;
    }
    const socket = this.socket;
    socket.removeListener('data', this.onData);
    socket.removeListener('error', this.onError);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('close', this.onClose);
    this.closed = true;
    this.host.gone(this);
    this.host.handover(socket, unread);
  }

  private pause(reason: number): void {
    if (this.paused === 0) this.socket.pause();
    this.paused |= reason;
  }

  private resume(reason: number): void {
    if ((this.paused & reason) === 0) return;
    this.paused &= ~reason;
    if (this.paused === 0 && !this.closed) this.socket.resume();
  }

  /**
   * Applies the timeouts at `now` (ms since the epoch): a request head awaited for `headersTimeoutMs` gets 408 and
   * the connection ends; a connection idle for `keepAliveTimeoutMs` is closed.
   */
  sweep(now: number, headersTimeoutMs: number, keepAliveTimeoutMs: number): void {
    if (this.closed) return;
    if (this.idleSince !== 0 && now - this.idleSince >= keepAliveTimeoutMs) this.socket.destroy();
    else if (this.headSince !== 0 && this.queue.length === 0 && !this.streaming && now - this.headSince >= headersTimeoutMs) {
      this.stopped = true;
      this.socket.end(REQUEST_TIMEOUT);
      this.socket.destroySoon();
    }
  }

  /** Whether no request is being answered (none read and not yet written). */
  get idle(): boolean {
    return this.queue.length === 0 && !this.streaming;
  }

  /** Closes the connection now. */
  destroy(): void {
    this.socket.destroy();
  }
}
