import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { BlockReader } from './block-reader';
import { negotiateOptions, type NegotiationLimits } from './options';
import { errorPacket, oackPacket, parsePacket, TftpErrorCode, TftpOpcode } from './packet';

/** The access-log names of the TFTP error codes. */
const TFTP_ERROR_NAMES: Readonly<Record<number, string>> = {
  0: 'undefined',
  1: 'file_not_found',
  2: 'access_violation',
  3: 'disk_full',
  4: 'illegal_operation',
  5: 'unknown_tid',
  6: 'file_exists',
  7: 'no_such_user',
  8: 'option_refused',
};

/** What a transfer needs to know of its server. */
export interface TransferSettings {
  /** The address transfer sockets bind to. */
  host: string;
  /** Negotiation limits. */
  limits: NegotiationLimits;
  /** How many times a window is sent again before the transfer is abandoned. */
  retries: number;
  /** How long a transfer may go without a valid ACK before it is abandoned, whatever its timeout, in ms. */
  maxIdleMs: number;
  /** Receives a line for each failed transfer. */
  log?: (line: string) => void;
}

/** Where the bytes of a transfer come from, opened by the server once the request was answered. */
export interface OpenedSource {
  /** Makes the block reader once the block size and window are negotiated. */
  reader: (blksize: number, windowsize: number) => BlockReader;
  /** The size sent, when known up front (`tsize`); unknown for netascii, converted while it is sent. */
  size: number | undefined;
}

/**
 * One read transfer (RFC 1350 with RFC 2347 options), from its own socket (its TID): negotiation, then windows of
 * `windowsize` blocks (RFC 7440; 1 is the classic lock-step) sent from the read-ahead buffer as soon as the ACK of
 * the previous window arrives, the window sent again on timeout, abandoned after `retries` or `maxIdleMs`.
 */
export class Transfer {
  /** How it ended (access log): `ok`, the TFTP error sent (`file_not_found`, ...), `timeout` or `aborted`. */
  status = 'aborted';
  /** The bytes of the file sent, once the client acknowledged the last block. */
  bytes = 0;
  private size: number | undefined;
  private socket: Socket | undefined;
  private reader: BlockReader | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private timeoutMs: number;
  private windowsize = 1;
  private attempts = 0;
  private lastProgress = Date.now();
  /** The OACK while its ACK (block 0) is awaited. */
  private oack: Buffer | undefined;
  /** The first unacknowledged block (1-based, unwrapped). */
  private base = 1;
  /** The highest block sent. */
  private sentUpTo = 0;
  private sending = false;
  /** The window position last sent again because of a duplicate ACK. */
  private resentFor = 0;

  /**
   * @param settings - the server's settings.
   * @param peer - the client's address and port.
   * @param onDone - called once when the transfer ends, however it ends.
   */
  constructor(
    private readonly settings: TransferSettings,
    readonly peer: RemoteInfo,
    private readonly onDone: () => void,
  ) {
    this.timeoutMs = settings.limits.defaultTimeoutMs;
  }

  /** Opens the transfer's socket. */
  async open(): Promise<void> {
    const socket = createSocket({ type: this.peer.family === 'IPv6' ? 'udp6' : 'udp4' });
    this.socket = socket;
    socket.on('error', (err) => {
      this.settings.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port}: ${err.message}`);
      this.abort();
    });
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.settings.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  }

  /** Whether the transfer has ended. */
  get done(): boolean {
    return this.finished;
  }

  /** Negotiates the requested options and starts sending `source`. */
  start(options: Readonly<Record<string, string>>, source: OpenedSource): void {
    if (this.finished) return;
    const negotiated = negotiateOptions(options, source.size ?? 0, { ...this.settings.limits, sizeKnown: source.size !== undefined });
    if ('refused' in negotiated) return this.fail(TftpErrorCode.OPTION_REFUSED, negotiated.refused);
    this.timeoutMs = negotiated.timeoutMs;
    this.windowsize = negotiated.windowsize;
    this.size = source.size;
    this.reader = source.reader(negotiated.blksize, negotiated.windowsize);
    this.reader.readAhead(negotiated.windowsize);
    this.timer = setTimeout(() => this.onTimeout(), this.timeoutMs);
    if (Object.keys(negotiated.oack).length > 0) {
      this.oack = oackPacket(negotiated.oack);
      this.sendRaw(this.oack);
    } else {
      void this.sendWindow();
    }
  }

  /** Ends the transfer with an ERROR packet to the client. */
  fail(code: number, message: string): void {
    if (this.finished) return;
    this.status = TFTP_ERROR_NAMES[code] ?? `error_${code}`;
    const socket = this.socket;
    if (!socket) return this.abort();
    socket.send(errorPacket(code, message), this.peer.port, this.peer.address, () => this.abort());
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
    this.reader?.close();
    this.onDone();
  }

  private sendRaw(packet: Buffer): void {
    this.socket?.send(packet, this.peer.port, this.peer.address);
  }

  /**
   * Sends the blocks of the window from `base` that were not sent yet, waiting for the read-ahead only when a block
   * is not in memory. Called again while it waits, it just lets the running loop see the new window.
   */
  private async sendWindow(): Promise<void> {
    const reader = this.reader;
    if (!reader || this.sending) return;
    this.sending = true;
    try {
      while (!this.finished) {
        const next = Math.max(this.base, this.sentUpTo + 1);
        if (next > this.base + this.windowsize - 1) break;
        if (!reader.has(next)) {
          await reader.wait(next);
          continue; // the window may have moved meanwhile
        }
        if (reader.ended && next > reader.endBlock()) break;
        const payload = reader.block(next);
        const packet = Buffer.allocUnsafe(4 + payload.length);
        packet.writeUInt16BE(TftpOpcode.DATA, 0);
        packet.writeUInt16BE(next & 0xffff, 2);
        payload.copy(packet, 4);
        this.sendRaw(packet);
        this.sentUpTo = next;
      }
      reader.readAhead(this.base + 2 * this.windowsize);
    } catch (err) {
      this.settings.log?.(`tftp: read failed for ${this.peer.address}:${this.peer.port}: ${(err as Error).message}`);
      this.fail(TftpErrorCode.UNDEFINED, 'read error');
    } finally {
      this.sending = false;
    }
  }

  private onTimeout(): void {
    if (this.finished) return;
    const idle = Date.now() - this.lastProgress;
    this.attempts += 1;
    if (this.attempts > this.settings.retries || idle >= this.settings.maxIdleMs) {
      this.settings.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port} timed out`);
      this.status = 'timeout';
      this.abort();
      return;
    }
    if (this.oack) this.sendRaw(this.oack);
    else {
      this.sentUpTo = this.base - 1; // the whole window again
      void this.sendWindow();
    }
    this.timer = setTimeout(() => this.onTimeout(), Math.min(this.timeoutMs, Math.max(1, this.settings.maxIdleMs - idle)));
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.finished) return;
    if (rinfo.port !== this.peer.port || rinfo.address !== this.peer.address) {
      this.socket?.send(errorPacket(TftpErrorCode.UNKNOWN_TID, 'unknown transfer id'), rinfo.port, rinfo.address);
      return;
    }
    // the hot path: a well-formed ACK
    if (msg.length === 4 && msg[0] === 0 && msg[1] === TftpOpcode.ACK) return this.onAck(msg.readUInt16BE(2));
    const parsed = parsePacket(msg);
    if (parsed.kind === 'error') return this.abort();
    if (parsed.kind !== 'ack') return this.fail(TftpErrorCode.ILLEGAL_OPERATION, 'expected an ACK');
    this.onAck(parsed.block);
  }

  private onAck(wire: number): void {
    if (this.oack) {
      if (wire !== 0) return;
      this.oack = undefined;
      return this.progress(0);
    }
    // the unwrapped block number this ACK names, within the blocks sent: [base - 1, sentUpTo]
    const acked = this.base - 1 + ((wire - ((this.base - 1) & 0xffff) + 0x10000) & 0xffff);
    if (acked === this.base - 1 && this.windowsize > 1 && this.sentUpTo >= this.base && this.resentFor !== this.base) {
      // RFC 7440: a receiver that lost part of a window acknowledges again the last block it got in order; send the
      // window again at once (once per window position: a stream of duplicates cannot make it send more)
      this.resentFor = this.base;
      this.sentUpTo = this.base - 1;
      void this.sendWindow();
      return;
    }
    if (acked < this.base || acked > this.sentUpTo) return; // duplicate or stale: the timer resends if needed
    const reader = this.reader!;
    if (reader.isLast(acked)) {
      this.status = 'ok';
      this.bytes = this.size ?? 0;
      return this.abort();
    }
    this.progress(acked);
  }

  private progress(acked: number): void {
    this.base = acked + 1;
    this.attempts = 0;
    this.lastProgress = Date.now();
    this.reader!.release(acked, this.base + 2 * this.windowsize);
    this.timer?.refresh();
    // blocks after the ACK that the client dropped are sent again with the next window (RFC 7440)
    if (this.sentUpTo > acked) this.sentUpTo = acked;
    void this.sendWindow();
  }
}
