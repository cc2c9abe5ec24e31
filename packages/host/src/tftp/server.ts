import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { isIPv6 } from 'node:net';
import type { TftpRequest } from '@provd/sdk';
import { bufferSource, fdSource, fileSource, toNetascii, type BlockSource } from './block-source';
import { negotiateOptions } from './options';
import { dataPacket, errorPacket, oackPacket, parsePacket, TftpErrorCode } from './packet';

/** What a read handler answers: a file to send (by path, or open: the server closes it), bytes, or an error. */
export type TftpReadReply =
  | { file: string }
  | { fd: number; size: number }
  | { data: Uint8Array }
  | { error: { code: number; message: string } };

/** Decides what to answer to one read request (identification, routing and path checks happen there). */
export type TftpReadHandler = (request: TftpRequest) => Promise<TftpReadReply>;

/** Options of {@link TftpServer}. */
export interface TftpServerOptions {
  /** Answers each read request. */
  handler: TftpReadHandler;
  /** Address to listen on. @defaultValue "127.0.0.1" */
  host?: string;
  /** UDP port (0 picks a free one). @defaultValue 69 */
  port?: number;
  /** The largest block size granted to a client. @defaultValue 65464 */
  maxBlksize?: number;
  /** Retransmission timeout when the client asks for none, in ms. @defaultValue 2000 */
  timeoutMs?: number;
  /** How many times a packet is sent again before the transfer is abandoned. @defaultValue 5 */
  retries?: number;
  /** The most transfers running at once; more requests get an error. @defaultValue 1024 */
  maxTransfers?: number;
  /** Receives a line for each failed request or transfer. */
  log?: (line: string) => void;
}

/**
 * A read-only TFTP server (RFC 1350) that negotiates the `blksize`, `tsize` and `timeout` options (RFC 2347, 2348,
 * 2349), sends each transfer from its own port, retransmits on timeout and refuses writes and malformed packets with
 * a clean ERROR packet.
 *
 * @example
 * ```ts
 * const server = new TftpServer({ port: 6969, handler: async (req) => ({ file: `/srv/tftp/${req.filename}` }) });
 * await server.start();
 * ```
 */
export class TftpServer {
  private readonly options: Required<Omit<TftpServerOptions, 'log'>> & Pick<TftpServerOptions, 'log'>;
  private socket: Socket | undefined;
  private readonly transfers = new Set<Transfer>();

  /** Creates a server; call {@link TftpServer.start} to listen. */
  constructor(options: TftpServerOptions) {
    this.options = {
      host: '127.0.0.1',
      port: 69,
      maxBlksize: 65464,
      timeoutMs: 2000,
      retries: 5,
      maxTransfers: 1024,
      ...options,
    };
  }

  /** The port the server listens on (after {@link TftpServer.start}). */
  get port(): number {
    return this.socket?.address().port ?? this.options.port;
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

  /** Stops listening and abandons running transfers. */
  async close(): Promise<void> {
    for (const transfer of this.transfers) transfer.abort();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
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
    if (this.transfers.size >= this.options.maxTransfers) {
      this.reply(rinfo, errorPacket(TftpErrorCode.UNDEFINED, 'server busy, try again'));
      return;
    }
    const request: TftpRequest = {
      filename: packet.filename,
      mode: packet.mode,
      options: packet.options,
      address: { ip: rinfo.address, port: rinfo.port },
    };
    const transfer = new Transfer(this.options, rinfo, () => this.transfers.delete(transfer));
    this.transfers.add(transfer);
    void transfer.run(request);
  }
}

/** One read transfer, from its own socket (its TID). */
class Transfer {
  private socket: Socket | undefined;
  private source: BlockSource | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private blksize = 512;
  private timeoutMs: number;
  private lastPacket: Buffer | undefined;
  private attempts = 0;
  /** The block number (unwrapped) whose ACK is awaited; 0 while waiting for the ACK of the OACK. */
  private block = 0;
  private lastBlock = 0;

  constructor(
    private readonly options: Required<Omit<TftpServerOptions, 'log'>> & Pick<TftpServerOptions, 'log'>,
    private readonly peer: RemoteInfo,
    private readonly onDone: () => void,
  ) {
    this.timeoutMs = options.timeoutMs;
  }

  async run(request: TftpRequest): Promise<void> {
    try {
      this.socket = createSocket({ type: this.peer.family === 'IPv6' ? 'udp6' : 'udp4' });
      this.socket.on('error', () => this.abort());
      this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
      await new Promise<void>((resolve) => this.socket!.bind(0, this.options.host, resolve));
      let reply: TftpReadReply;
      try {
        reply = await this.options.handler(request);
      } catch (err) {
        this.options.log?.(`tftp: handler failed for "${request.filename}": ${(err as Error).message}`);
        reply = { error: { code: TftpErrorCode.UNDEFINED, message: 'internal processing error' } };
      }
      if ('error' in reply) return this.fail(reply.error.code, reply.error.message);
      this.source = await this.openSource(reply, request.mode === 'netascii');
      if (this.finished) return void this.source.close().catch(() => {});
      const negotiated = negotiateOptions(request.options, this.source.size, {
        maxBlksize: this.options.maxBlksize,
        defaultTimeoutMs: this.options.timeoutMs,
      });
      if ('refused' in negotiated) return this.fail(TftpErrorCode.OPTION_REFUSED, negotiated.refused);
      this.blksize = negotiated.blksize;
      this.timeoutMs = negotiated.timeoutMs;
      this.lastBlock = Math.floor(this.source.size / this.blksize) + 1;
      if (Object.keys(negotiated.oack).length > 0) this.send(oackPacket(negotiated.oack));
      else await this.sendBlock(1);
    } catch (err) {
      this.options.log?.(`tftp: transfer of "${request.filename}" failed: ${(err as Error).message}`);
      this.fail(TftpErrorCode.FILE_NOT_FOUND, 'file not found');
    }
  }

  private async openSource(reply: Exclude<TftpReadReply, { error: unknown }>, netascii: boolean): Promise<BlockSource> {
    if ('data' in reply) return bufferSource(netascii ? toNetascii(reply.data) : reply.data);
    if ('fd' in reply) {
      const source = fdSource(reply.fd, reply.size);
      if (!netascii) return source;
      try {
        return bufferSource(toNetascii(await source.read(0, reply.size)));
      } finally {
        await source.close();
      }
    }
    if (netascii) return bufferSource(toNetascii(await readFile(reply.file)));
    return fileSource(reply.file);
  }

  private async sendBlock(block: number): Promise<void> {
    const source = this.source!;
    const payload = await source.read((block - 1) * this.blksize, this.blksize);
    if (this.finished) return;
    this.block = block;
    this.attempts = 0;
    this.send(dataPacket(block, payload));
  }

  private send(packet: Buffer): void {
    this.lastPacket = packet;
    this.socket?.send(packet, this.peer.port, this.peer.address);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
  }

  private onTimeout(): void {
    if (this.finished || !this.lastPacket) return;
    this.attempts += 1;
    if (this.attempts > this.options.retries) {
      this.options.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port} timed out`);
      this.abort();
      return;
    }
    this.socket?.send(this.lastPacket, this.peer.port, this.peer.address);
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.finished) return;
    if (rinfo.address !== this.peer.address || rinfo.port !== this.peer.port) {
      this.socket?.send(errorPacket(TftpErrorCode.UNKNOWN_TID, 'unknown transfer id'), rinfo.port, rinfo.address);
      return;
    }
    const parsed = parsePacket(msg);
    if (parsed.kind === 'error') return this.abort();
    if (parsed.kind !== 'ack') return this.fail(TftpErrorCode.ILLEGAL_OPERATION, 'expected an ACK');
    if (parsed.block !== (this.block & 0xffff)) return; // duplicate or stale ACK: the timer resends if needed
    if (this.block === this.lastBlock) return this.abort();
    clearTimeout(this.timer);
    this.sendBlock(this.block + 1).catch((err: Error) => {
      this.options.log?.(`tftp: read failed: ${err.message}`);
      this.fail(TftpErrorCode.UNDEFINED, 'read error');
    });
  }

  private fail(code: number, message: string): void {
    if (this.finished) return;
    this.socket?.send(errorPacket(code, message), this.peer.port, this.peer.address, () => this.abort());
    if (!this.socket) this.abort();
  }

  /** Ends the transfer and releases its socket and file. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
    void this.source?.close().catch(() => {});
    this.onDone();
  }
}
