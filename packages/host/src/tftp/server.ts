import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { fstat, open } from 'node:fs';
import { isIPv6 } from 'node:net';
import { promisify } from 'node:util';
import type { TftpRequest } from '@provd/sdk';
import { unmapIpv4 } from '../http/client-ip';
import { BlockReader, fdChunks, memoryChunks, type ChunkSource } from './block-reader';
import { errorPacket, parsePacket, TftpErrorCode } from './packet';
import { Transfer, type NativeSlots, type OpenedSource } from './transfer';

const openFd = promisify(open);
const fstatFd = promisify(fstat);

/** Who identification found behind a read request (for the access log). */
export interface TftpIdentity {
  /** The device id. */
  device?: string;
  /** The plugin serving it. */
  plugin?: string;
}

/** What a read handler answers: a file to send (by path, or open: the server closes it), bytes, or an error. */
export type TftpReadReply = (
  | { file: string }
  | { fd: number; size: number }
  | { data: Uint8Array }
  | { error: { code: number; message: string } }
) &
  TftpIdentity;

/** One finished read transfer, as the access log and the metrics see it. */
export interface TftpTransferDone extends TftpIdentity {
  /** The client IP. */
  client: string;
  /** The file asked for. */
  file: string;
  /** `ok`, the TFTP error sent (`file_not_found`, `access_violation`, ...), `timeout` or `aborted` (by the client or a stop). */
  status: string;
  /** The bytes of the file sent (acknowledged to the end), 0 otherwise (and for netascii). */
  bytes: number;
  /** Time from the request to the end, in ms. */
  ms: number;
}

/** Decides what to answer to one read request (identification, routing and path checks happen there). */
export type TftpReadHandler = (request: TftpRequest) => Promise<TftpReadReply>;

/** Options of {@link TftpServer}. */
export interface TftpServerOptions {
  /** Answers each read request. */
  handler: TftpReadHandler;
  /** Address to listen on (`::` listens on IPv6 and IPv4). @defaultValue "127.0.0.1" */
  host?: string;
  /** UDP port (0 picks a free one). @defaultValue 69 */
  port?: number;
  /** The largest block size granted to a client. @defaultValue 65464 */
  maxBlksize?: number;
  /** The largest window (RFC 7440 `windowsize`) granted to a client. @defaultValue 64 */
  maxWindowsize?: number;
  /** The most bytes a transfer has in flight (block size × window); the window is lowered to fit. @defaultValue 65536 */
  maxWindowBytes?: number;
  /** Retransmission timeout when the client asks for none, in ms. @defaultValue 2000 */
  timeoutMs?: number;
  /** The longest `timeout` option accepted, in seconds; a longer one is not acknowledged. @defaultValue 10 */
  maxTimeoutS?: number;
  /** How many times a packet is sent again before the transfer is abandoned. @defaultValue 5 */
  retries?: number;
  /** How long a transfer may go without a valid ACK before it is abandoned, in ms. @defaultValue 30000 */
  maxIdleMs?: number;
  /** The most transfers running at once; more requests get "server busy". @defaultValue 1024 */
  maxTransfers?: number;
  /**
   * The most transfers running at once for one client IP (phones behind one NAT share it), so that one client cannot
   * take every slot. @defaultValue half of `maxTransfers`
   */
  maxTransfersPerIp?: number;
  /** The most transfers running at once for one client socket (address and port). @defaultValue 4 */
  maxTransfersPerSocket?: number;
  /** Bytes read from a file at once, ahead of the blocks being sent. @defaultValue 131072 */
  readAheadBytes?: number;
  /**
   * The smallest file (octet mode) sent by the native data loop (a C thread per transfer, built at install; the
   * JavaScript loop sends when it is missing, see docs/decisions.md). `Infinity` never uses it.
   * @defaultValue 1048576, or 0 when the environment has `PROVD_TFTP_NATIVE=always`
   */
  nativeMinBytes?: number;
  /** The most transfers the native data loop sends at once (a thread each); more go to the JavaScript loop. @defaultValue 64 */
  maxNativeTransfers?: number;
  /** Receives a line for each failed request or transfer. */
  log?: (line: string) => void;
  /** Called once per read transfer when it ended (access log, metrics). */
  onTransferDone?: (done: TftpTransferDone) => void;
}

type Settings = Required<Omit<TftpServerOptions, 'log' | 'onTransferDone'>> & Pick<TftpServerOptions, 'log' | 'onTransferDone'>;

/** The default of {@link TftpServerOptions.nativeMinBytes}. */
function defaultNativeMinBytes(): number {
  return process.env.PROVD_TFTP_NATIVE === 'always' ? 0 : 1024 * 1024;
}

/** Counts running transfers per key. */
class Counter {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string): void {
    this.counts.set(key, this.get(key) + 1);
  }
  remove(key: string): void {
    const n = this.get(key) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

/**
 * A read-only TFTP server (RFC 1350) that negotiates the `blksize`, `tsize`, `timeout` and `windowsize` options
 * (RFC 2347, 2348, 2349, 7440), sends each transfer from its own port out of a read-ahead buffer (no file read per
 * block), converts netascii while reading, retransmits on timeout, and refuses writes and malformed packets with a
 * clean ERROR packet. Resources are bounded: transfers in all, per client IP and per client socket; option values
 * that hold memory or time (block size × window, timeout) are capped; an idle transfer ends after `maxIdleMs`.
 *
 * @example
 * ```ts
 * const server = new TftpServer({ port: 6969, handler: async (req) => ({ file: `/srv/tftp/${req.filename}` }) });
 * await server.start();
 * ```
 */
export class TftpServer {
  private readonly options: Settings;
  private socket: Socket | undefined;
  private readonly transfers = new Set<Transfer>();
  private readonly perIp = new Counter();
  private readonly perSocket = new Counter();
  /** The file names being sent to each client socket: a repeated RRQ (the client's retransmission) is ignored. */
  private readonly active = new Map<string, Set<string>>();
  /** The local ports the running transfers hold. */
  private readonly ports = new Set<number>();
  private readonly native: NativeSlots;

  /** Creates a server; call {@link TftpServer.start} to listen. */
  constructor(options: TftpServerOptions) {
    const maxTransfers = options.maxTransfers ?? 1024;
    this.options = {
      host: '127.0.0.1',
      port: 69,
      maxBlksize: 65464,
      maxWindowsize: 64,
      maxWindowBytes: 64 * 1024,
      timeoutMs: 2000,
      maxTimeoutS: 10,
      retries: 5,
      maxIdleMs: 30_000,
      maxTransfersPerIp: Math.max(1, Math.floor(maxTransfers / 2)),
      maxTransfersPerSocket: 4,
      readAheadBytes: 128 * 1024,
      nativeMinBytes: defaultNativeMinBytes(),
      maxNativeTransfers: 64,
      ...options,
      maxTransfers,
    };
    let told = false;
    this.native = {
      minBytes: this.options.nativeMinBytes,
      max: this.options.maxNativeTransfers,
      running: 0,
      started: 0,
      unavailable: (reason) => {
        if (told) return;
        told = true;
        this.options.log?.(`tftp: the native data loop is not available (${reason}): big files are sent by the JavaScript loop`);
      },
    };
  }

  /** The port the server listens on (after {@link TftpServer.start}). */
  get port(): number {
    return this.socket?.address().port ?? this.options.port;
  }

  /** How many transfers are running. */
  get running(): number {
    return this.transfers.size;
  }

  /** How many transfers the native data loop has sent (started) since the server was created. */
  get nativeTransfers(): number {
    return this.native.started;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    const socket = createSocket({ type: isIPv6(this.options.host) ? 'udp6' : 'udp4' });
    socket.on('message', (msg, rinfo) => this.onRequest(msg, rinfo));
    socket.on('error', (err) => this.options.log?.(`tftp: socket error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.socket = socket;
  }

  /** Stops listening, lets running transfers finish for up to `drainMs` (default 0), then abandons those left. */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    const deadline = Date.now() + (options.drainMs ?? 0);
    while (this.transfers.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const transfer of this.transfers) transfer.abort();
  }

  private reply(rinfo: RemoteInfo, packet: Buffer): void {
    this.socket?.send(packet, rinfo.port, rinfo.address);
  }

  private onRequest(msg: Buffer, rinfo: RemoteInfo): void {
    const parsed = parsePacket(msg);
    if (parsed.kind === 'invalid') {
      this.options.log?.(`tftp: malformed packet from ${rinfo.address}:${rinfo.port}: ${parsed.reason}`);
      this.reply(rinfo, errorPacket(TftpErrorCode.ILLEGAL_OPERATION, `Illegal TFTP operation: ${parsed.reason}`));
      return;
    }
    if (parsed.kind !== 'request') return; // stray ACK/DATA/ERROR on the listening port
    const { packet } = parsed;
    if (packet.opcode === 2) {
      this.reply(rinfo, errorPacket(TftpErrorCode.ACCESS_VIOLATION, 'read-only server: writes are refused'));
      return;
    }
    if (packet.mode !== 'octet' && packet.mode !== 'netascii') {
      this.reply(rinfo, errorPacket(TftpErrorCode.ILLEGAL_OPERATION, `mode "${packet.mode}" not supported`));
      return;
    }
    const ip = unmapIpv4(rinfo.address);
    const socketKey = `${ip}|${rinfo.port}`;
    const names = this.active.get(socketKey);
    if (names?.has(packet.filename)) return; // the client sent its RRQ again: the running transfer answers it
    if (
      this.transfers.size >= this.options.maxTransfers ||
      this.perIp.get(ip) >= this.options.maxTransfersPerIp ||
      this.perSocket.get(socketKey) >= this.options.maxTransfersPerSocket
    ) {
      this.reply(rinfo, errorPacket(TftpErrorCode.UNDEFINED, 'server busy, try again'));
      return;
    }
    const request: TftpRequest = { filename: packet.filename, mode: packet.mode, options: packet.options, address: { ip, port: rinfo.port } };
    const settings = {
      host: this.options.host,
      limits: {
        maxBlksize: this.options.maxBlksize,
        defaultTimeoutMs: this.options.timeoutMs,
        maxTimeoutS: this.options.maxTimeoutS,
        maxWindowsize: this.options.maxWindowsize,
        maxWindowBytes: this.options.maxWindowBytes,
      },
      retries: this.options.retries,
      maxIdleMs: this.options.maxIdleMs,
      ports: this.ports,
      log: this.options.log,
      native: this.native,
    };
    this.perIp.add(ip);
    this.perSocket.add(socketKey);
    const sending = names ?? new Set<string>();
    sending.add(packet.filename);
    this.active.set(socketKey, sending);
    const started = performance.now();
    const identity: TftpIdentity = {};
    const transfer = new Transfer(settings, rinfo, () => {
      this.options.onTransferDone?.({ client: ip, file: request.filename, status: transfer.status, bytes: transfer.bytes, ms: Math.round((performance.now() - started) * 10) / 10, ...identity });
      this.transfers.delete(transfer);
      this.perIp.remove(ip);
      this.perSocket.remove(socketKey);
      sending.delete(packet.filename);
      if (sending.size === 0 && this.active.get(socketKey) === sending) this.active.delete(socketKey);
    });
    this.transfers.add(transfer);
    void this.run(transfer, request, identity);
  }

  private async run(transfer: Transfer, request: TftpRequest, identity: TftpIdentity): Promise<void> {
    try {
      await transfer.open();
      let reply: TftpReadReply;
      try {
        reply = await this.options.handler(request);
      } catch (err) {
        this.options.log?.(`tftp: handler failed for "${request.filename}": ${(err as Error).message}`);
        reply = { error: { code: TftpErrorCode.UNDEFINED, message: 'internal processing error' } };
      }
      if (reply.device !== undefined) identity.device = reply.device;
      if (reply.plugin !== undefined) identity.plugin = reply.plugin;
      if ('error' in reply) return transfer.fail(reply.error.code, reply.error.message);
      const source = await this.openSource(reply);
      if (transfer.done) return source.close();
      const netascii = request.mode === 'netascii';
      const opened: OpenedSource = {
        size: netascii ? undefined : source.size,
        ...(netascii || source.fd === undefined ? {} : { fd: source.fd }),
        close: () => source.close(),
        reader: (blksize, windowsize) => new BlockReader(source.chunks, blksize, Math.max(this.options.readAheadBytes, blksize * windowsize), netascii),
      };
      transfer.start(request.options, opened);
    } catch (err) {
      this.options.log?.(`tftp: transfer of "${request.filename}" failed: ${(err as Error).message}`);
      transfer.fail(TftpErrorCode.FILE_NOT_FOUND, 'file not found');
    }
  }

  private async openSource(reply: Exclude<TftpReadReply, { error: unknown }>): Promise<{ chunks: ChunkSource; size: number; fd?: number; close(): void }> {
    if ('data' in reply) {
      const chunks = memoryChunks(reply.data);
      return { chunks, size: reply.data.length, close: () => chunks.close() };
    }
    if ('fd' in reply) {
      const chunks = fdChunks(reply.fd);
      return { chunks, size: reply.size, fd: reply.fd, close: () => chunks.close() };
    }
    const fd = await openFd(reply.file, 'r');
    const chunks = fdChunks(fd); // closes the descriptor
    try {
      return { chunks, size: (await fstatFd(fd)).size, fd, close: () => chunks.close() };
    } catch (err) {
      chunks.close();
      throw err;
    }
  }
}
