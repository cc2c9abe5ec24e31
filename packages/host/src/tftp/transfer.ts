import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { BlockReader } from './block-reader';
import { errnoName, NativeStatus, nativeSenderStatus, startNativeTransfer, type NativeTransfer } from './native-sender';
import { negotiateOptions, type NegotiatedOptions, type NegotiationLimits } from './options';
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
  /** The local ports of the running transfers (shared by the server's transfers: no two take the same port). */
  ports: Set<number>;
  /** Receives a line for each failed transfer. */
  log?: (line: string) => void;
  /** The native data loop's use, shared by the server's transfers (absent: never used). */
  native?: NativeSlots;
}

/** When the native data loop sends a transfer, and how many it runs at once (shared by a server's transfers). */
export interface NativeSlots {
  /** The smallest file (octet mode, size known) sent by the native loop. */
  minBytes: number;
  /** The most transfers the native loop runs at once (a thread each); more are sent by the JavaScript loop. */
  max: number;
  /** How many it runs now. */
  running: number;
  /** How many transfers it has sent (started), for the tests and the metrics. */
  started: number;
  /** Called when the addon is not available (the server logs it once). */
  unavailable(reason: string): void;
}

/** Where the bytes of a transfer come from, opened by the server once the request was answered. */
export interface OpenedSource {
  /** Makes the block reader once the block size and window are negotiated. */
  reader: (blksize: number, windowsize: number) => BlockReader;
  /** The size sent, when known up front (`tsize`); unknown for netascii, converted while it is sent. */
  size: number | undefined;
  /** The open file, when the bytes are a file sent as they are (octet): the native data loop may send it. */
  fd?: number;
  /** Releases the source (idempotent; the block reader releases it too). */
  close(): void;
}

/** How many times a transfer looks for a local port no other transfer of the server holds. */
const PORT_ATTEMPTS = 16;

/** Binds a new UDP socket of `type` to `host`:`port` (address reuse on, so that two sockets share the port). */
function bindSocket(type: 'udp4' | 'udp6', port: number, host: string): Promise<Socket> {
  const socket = createSocket({ type, reuseAddr: true });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

/**
 * One read transfer (RFC 1350 with RFC 2347 options), from its own port (its TID): negotiation, then windows of
 * `windowsize` blocks (RFC 7440; 1 is the classic lock-step) sent from the read-ahead packets as soon as the ACK of
 * the previous window arrives, the window sent again on timeout, abandoned after `retries` or `maxIdleMs`.
 *
 * The port has two sockets: one connected to the client, which the kernel gives the client's packets (a connected
 * socket sends without an address look-up or a route look-up per packet, the cost that matters when a lock-step
 * client waits for each block), and an unconnected one on the same port that gets every other sender's packets and
 * answers them "unknown transfer id" (RFC 1350) without disturbing the transfer. Each ACK is answered synchronously
 * in its message event: no promise, no allocation and no timer re-arm per block (one timer checks the time of the
 * last progress when it fires).
 */
export class Transfer {
  /** How it ended (access log): `ok`, the TFTP error sent (`file_not_found`, ...), `timeout` or `aborted`. */
  status = 'aborted';
  /** The bytes of the file sent, once the client acknowledged the last block. */
  bytes = 0;
  private size: number | undefined;
  /** The socket connected to the client (set once connected). */
  private socket: Socket | undefined;
  /** The unconnected socket on the same port, for packets from anyone else. */
  private stranger: Socket | undefined;
  private port = 0;
  private reader: BlockReader | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private timeoutMs: number;
  private windowsize = 1;
  private attempts = 0;
  private lastProgress = Date.now();
  /** When the packets now awaiting an ACK were (first or last) sent. */
  private sentAt = 0;
  /** The OACK while its ACK (block 0) is awaited. */
  private oack: Buffer | undefined;
  /** The first unacknowledged block (1-based, unwrapped). */
  private base = 1;
  /** The highest block sent. */
  private sentUpTo = 0;
  /** Whether sending waits for the read-ahead. */
  private waiting = false;
  /** The window position last sent again because of a duplicate ACK. */
  private resentFor = 0;
  private readonly onTimer = (): void => this.checkTimeout();
  /** The native data loop sending this transfer, while it runs. */
  private nativeLoop: NativeTransfer | undefined;
  /** Whether the native loop took the transfer over (the connected socket is its own then). */
  private handedOff = false;
  private closeSource: (() => void) | undefined;

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

  /** Opens the transfer's sockets: a port no other transfer of the server holds, connected to the client. */
  async open(): Promise<void> {
    const { host, ports } = this.settings;
    const type = this.peer.family === 'IPv6' ? 'udp6' : 'udp4';
    // with address reuse the kernel may hand out a port another transfer's sockets share: take another one then
    for (let attempt = 1; ; attempt++) {
      const stranger = await bindSocket(type, 0, host);
      const port = stranger.address().port;
      if (!ports.has(port) && !this.finished) {
        ports.add(port);
        this.port = port;
        this.stranger = stranger;
        break;
      }
      stranger.close();
      if (this.finished) return;
      if (attempt >= PORT_ATTEMPTS) throw new Error(`no free transfer port after ${PORT_ATTEMPTS} attempts`);
    }
    this.stranger.on('error', (err) => this.settings.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port}: ${err.message}`));
    this.stranger.on('message', (msg, rinfo) => this.onStranger(rinfo));
    const socket = await bindSocket(type, this.port, host);
    if (this.finished) return void socket.close();
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(this.peer.port, this.peer.address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      socket.close();
      throw err;
    }
    this.socket = socket;
    // a connected socket reports the client's port closing (ICMP): the transfer ends then
    socket.on('error', (err) => {
      this.settings.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port}: ${err.message}`);
      this.abort();
    });
    socket.on('message', (msg) => this.onMessage(msg));
    if (this.finished) this.closeSockets();
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
    this.closeSource = source.close;
    if (this.startNative(negotiated, source)) return;
    this.reader = source.reader(negotiated.blksize, negotiated.windowsize);
    this.reader.readAhead(negotiated.windowsize);
    this.sentAt = Date.now();
    this.timer = setTimeout(this.onTimer, this.timeoutMs);
    if (Object.keys(negotiated.oack).length > 0) {
      this.oack = oackPacket(negotiated.oack);
      this.socket?.send(this.oack);
    } else {
      this.sendWindow();
    }
  }

  /** Ends the transfer with an ERROR packet to the client. */
  fail(code: number, message: string): void {
    if (this.finished) return;
    this.status = TFTP_ERROR_NAMES[code] ?? `error_${code}`;
    const socket = this.socket;
    // once the native loop took the connected socket over, the other socket of the port (same TID) sends it
    if (!socket && this.handedOff && this.stranger) {
      this.stranger.send(errorPacket(code, message), this.peer.port, this.peer.address, () => this.abort());
      return;
    }
    if (!socket) return this.abort();
    socket.send(errorPacket(code, message), () => this.abort());
  }

  /** Ends the transfer and releases its sockets, its port and its file. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.nativeLoop?.abort();
    this.closeSockets();
    this.reader?.close();
    this.closeSource?.();
    this.onDone();
  }

  private closeSockets(): void {
    for (const socket of [this.socket, this.stranger]) {
      try {
        socket?.close();
      } catch {
        // already closed
      }
    }
    this.socket = undefined;
    this.stranger = undefined;
    if (this.port !== 0) this.settings.ports.delete(this.port);
    this.port = 0;
  }

  /**
   * Hands the data loop to the native sender (a thread of its own: native/tftp_sender.c) when the file is big enough,
   * the addon is there and a slot is free: it gets a socket of its own bound to the transfer's port and connected to
   * the client (the JavaScript one is closed, so the kernel gives it the client's packets), a duplicate of the file's
   * descriptor, the negotiated values and the OACK, and runs the same window, retransmission and timeout rules as
   * the JavaScript loop. Returns false (the JavaScript loop sends) whenever it cannot start.
   */
  private startNative(negotiated: NegotiatedOptions, source: OpenedSource): boolean {
    const native = this.settings.native;
    const socket = this.socket;
    if (!native || !socket || source.fd === undefined || source.size === undefined) return false;
    if (source.size < native.minBytes || native.running >= native.max) return false;
    const status = nativeSenderStatus();
    if (!status.available) {
      native.unavailable(status.reason);
      return false;
    }
    const local = socket.address();
    const oack = Object.keys(negotiated.oack).length > 0 ? oackPacket(negotiated.oack) : null;
    try {
      this.nativeLoop = startNativeTransfer(
        {
          fd: source.fd,
          family: this.peer.family === 'IPv6' ? 6 : 4,
          localAddress: local.address,
          localPort: local.port,
          peerAddress: this.peer.address,
          peerPort: this.peer.port,
          blksize: negotiated.blksize,
          windowsize: negotiated.windowsize,
          timeoutMs: negotiated.timeoutMs,
          retries: this.settings.retries,
          maxIdleMs: this.settings.maxIdleMs,
          idleMs: Date.now() - this.lastProgress,
          oack,
        },
        (code, errno) => {
          native.running -= 1;
          this.onNativeDone(code, errno);
        },
      );
    } catch (err) {
      this.settings.log?.(`tftp: native sender refused the transfer to ${this.peer.address}:${this.peer.port} (${(err as Error).message}): the JavaScript loop sends it`);
      return false;
    }
    native.running += 1;
    native.started += 1;
    this.handedOff = true;
    this.socket = undefined;
    socket.removeAllListeners('message');
    socket.close();
    return true;
  }

  /** The native loop ended (`code`: a {@link NativeStatus}, `errno` of a failed system call): the transfer ends. */
  private onNativeDone(code: number, errno: number): void {
    this.nativeLoop = undefined;
    if (this.finished) return;
    const who = `${this.peer.address}:${this.peer.port}`;
    switch (code) {
      case NativeStatus.OK:
        this.status = 'ok';
        this.bytes = this.size ?? 0;
        return this.abort();
      case NativeStatus.TIMEOUT:
        this.settings.log?.(`tftp: transfer to ${who} timed out`);
        this.status = 'timeout';
        return this.abort();
      case NativeStatus.ILLEGAL:
        return this.fail(TftpErrorCode.ILLEGAL_OPERATION, 'expected an ACK');
      case NativeStatus.READ_ERROR:
        this.settings.log?.(`tftp: read failed for ${who}: ${errnoName(errno)}`);
        return this.fail(TftpErrorCode.UNDEFINED, 'read error');
      case NativeStatus.SOCKET_ERROR:
        this.settings.log?.(`tftp: transfer to ${who}: ${errnoName(errno)}`);
        return this.abort();
      default: // PEER_ERROR, ABORTED
        return this.abort();
    }
  }

  /**
   * Sends the blocks of the window from `base` that were not sent yet. A block not read yet makes it wait for the
   * read-ahead (once: later calls return until the wait ends and sending resumes from the window then current).
   */
  private sendWindow(): void {
    const reader = this.reader;
    const socket = this.socket;
    if (!reader || !socket || this.waiting) return;
    const last = this.base + this.windowsize - 1;
    for (let next = Math.max(this.base, this.sentUpTo + 1); next <= last; next++) {
      if (!reader.has(next)) return this.waitFor(reader, next);
      if (reader.ended && next > reader.endBlock()) break;
      socket.send(reader.packet(next));
      this.sentUpTo = next;
    }
  }

  private waitFor(reader: BlockReader, block: number): void {
    this.waiting = true;
    reader.wait(block).then(
      () => {
        this.waiting = false;
        if (!this.finished) this.sendWindow();
      },
      (err: Error) => {
        this.waiting = false;
        this.settings.log?.(`tftp: read failed for ${this.peer.address}:${this.peer.port}: ${err.message}`);
        this.fail(TftpErrorCode.UNDEFINED, 'read error');
      },
    );
  }

  /** The retransmission timer fired: the window was sent `timeoutMs` ago and not acknowledged, or it moved since. */
  private checkTimeout(): void {
    if (this.finished) return;
    const now = Date.now();
    const idle = now - this.lastProgress;
    const waited = now - this.sentAt;
    if (waited < this.timeoutMs && idle < this.settings.maxIdleMs) {
      this.timer = setTimeout(this.onTimer, Math.min(this.timeoutMs - waited, this.settings.maxIdleMs - idle));
      return;
    }
    this.attempts += 1;
    if (this.attempts > this.settings.retries || idle >= this.settings.maxIdleMs) {
      this.settings.log?.(`tftp: transfer to ${this.peer.address}:${this.peer.port} timed out`);
      this.status = 'timeout';
      this.abort();
      return;
    }
    this.sentAt = now;
    if (this.oack) this.socket?.send(this.oack);
    else {
      this.sentUpTo = this.base - 1; // the whole window again
      this.sendWindow();
    }
    this.timer = setTimeout(this.onTimer, Math.min(this.timeoutMs, Math.max(1, this.settings.maxIdleMs - idle)));
  }

  /** A packet from anyone but the client, to the transfer's port. */
  private onStranger(rinfo: RemoteInfo): void {
    if (this.finished) return;
    this.stranger?.send(errorPacket(TftpErrorCode.UNKNOWN_TID, 'unknown transfer id'), rinfo.port, rinfo.address);
  }

  private onMessage(msg: Buffer): void {
    if (this.finished) return;
    // the hot path: a well-formed ACK
    if (msg.length === 4 && msg[0] === 0 && msg[1] === TftpOpcode.ACK) return this.onAck((msg[2]! << 8) | msg[3]!);
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
      this.sentAt = Date.now();
      this.sendWindow();
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

  /** Block `acked` was acknowledged: the next window goes out first, the bookkeeping after it. */
  private progress(acked: number): void {
    this.base = acked + 1;
    this.attempts = 0;
    // blocks after the ACK that the client dropped are sent again with the next window (RFC 7440)
    if (this.sentUpTo > acked) this.sentUpTo = acked;
    this.sendWindow();
    this.lastProgress = this.sentAt = Date.now();
    this.reader!.release(acked, this.base + 2 * this.windowsize);
  }
}
