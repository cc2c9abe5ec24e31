import { createRequire } from 'node:module';
import { constants } from 'node:os';

/** How a native data loop ended (kept in step with the enum in native/tftp_sender.c). */
export const NativeStatus = {
  /** The client acknowledged the last block. */
  OK: 1,
  /** No valid ACK within the retries or the idle limit. */
  TIMEOUT: 2,
  /** Stopped by {@link NativeTransfer.abort}. */
  ABORTED: 3,
  /** The client sent an ERROR packet. */
  PEER_ERROR: 4,
  /** The client sent something other than an ACK or an ERROR. */
  ILLEGAL: 5,
  /** Reading the file failed. */
  READ_ERROR: 6,
  /** Sending or receiving failed (e.g. the client's port closed: ICMP unreachable). */
  SOCKET_ERROR: 7,
} as const;

/** What the native data loop needs of one transfer, negotiation done. */
export interface NativeTransferSpec {
  /** The open file (the loop reads a duplicate of it; the caller keeps and closes this one). */
  fd: number;
  /** The address family of the transfer's socket. */
  family: 4 | 6;
  /** The transfer's local address (the loop's socket is bound there, beside the one answering strangers). */
  localAddress: string;
  /** The transfer's local port (its TID). */
  localPort: number;
  /** The client's address. */
  peerAddress: string;
  /** The client's port. */
  peerPort: number;
  /** The negotiated block size. */
  blksize: number;
  /** The negotiated window (RFC 7440; 1: lock-step). */
  windowsize: number;
  /** The retransmission timeout, in ms. */
  timeoutMs: number;
  /** How many times a window is sent again before the transfer is abandoned. */
  retries: number;
  /** How long the transfer may go without a valid ACK, in ms. */
  maxIdleMs: number;
  /** How long the transfer has gone without progress already, in ms. */
  idleMs: number;
  /** The OACK to send first (its ACK of block 0 starts the data), or `null` to send data at once. */
  oack: Buffer | null;
}

/** One running native data loop. */
export interface NativeTransfer {
  /** Stops the loop at once (the completion callback then reports {@link NativeStatus.ABORTED}). */
  abort(): void;
}

interface Addon {
  start(...args: unknown[]): unknown;
  abort(handle: unknown): void;
}

/** The errno names by number (for log lines). */
const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** The name of errno `n` (`ECONNREFUSED`), or its number. */
export function errnoName(n: number): string {
  return ERRNO_NAMES.get(n) ?? `errno ${n}`;
}

let loaded: { addon: Addon } | { reason: string } | undefined;

/**
 * Loads the native data loop (packages/host/build/Release/provd_tftp.node, compiled at install when a C compiler
 * is there). `PROVD_TFTP_NATIVE=0` turns it off. Returns why it is not available instead of throwing.
 */
function load(): { addon: Addon } | { reason: string } {
  if (loaded) return loaded;
  if (process.env.PROVD_TFTP_NATIVE === '0') return (loaded = { reason: 'turned off by PROVD_TFTP_NATIVE=0' });
  const require = createRequire(import.meta.url);
  // from src/tftp/ (tests) or dist/ (the build)
  const errors: string[] = [];
  for (const candidate of ['../../build/Release/provd_tftp.node', '../build/Release/provd_tftp.node']) {
    try {
      const addon = require(candidate) as Addon;
      if (typeof addon.start === 'function' && typeof addon.abort === 'function') return (loaded = { addon });
      errors.push(`${candidate}: not the expected module`);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code !== 'MODULE_NOT_FOUND') errors.push(e.message.split('\n')[0]!);
    }
  }
  return (loaded = { reason: errors.length > 0 ? errors.join('; ') : 'not built (no C compiler at install?)' });
}

/** Whether the native data loop can be used; `reason` says why not. */
export function nativeSenderStatus(): { available: true } | { available: false; reason: string } {
  const l = load();
  return 'addon' in l ? { available: true } : { available: false, reason: l.reason };
}

/**
 * Starts the native data loop of one transfer on a thread of its own; `done(status, errno)` is called once on the
 * main thread when it ends. Throws when the addon is not available or refuses the transfer (nothing started then:
 * the caller sends it with the JavaScript loop).
 */
export function startNativeTransfer(spec: NativeTransferSpec, done: (status: number, errno: number) => void): NativeTransfer {
  const l = load();
  if (!('addon' in l)) throw new Error(`native TFTP sender not available: ${l.reason}`);
  const { addon } = l;
  const handle = addon.start(
    spec.fd,
    spec.family,
    spec.localAddress,
    spec.localPort,
    spec.peerAddress,
    spec.peerPort,
    spec.blksize,
    spec.windowsize,
    spec.timeoutMs,
    spec.retries,
    spec.maxIdleMs,
    Math.max(0, spec.idleMs),
    spec.oack,
    done,
  );
  return { abort: () => addon.abort(handle) };
}
