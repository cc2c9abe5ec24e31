/** The options a transfer runs with after negotiation. */
export interface NegotiatedOptions {
  /** Data block size in bytes (512 without the `blksize` option). */
  blksize: number;
  /** Retransmission timeout in milliseconds. */
  timeoutMs: number;
  /** How many blocks are sent before an ACK is awaited (RFC 7440; 1 without the `windowsize` option). */
  windowsize: number;
  /** The options to acknowledge in an OACK (empty: no OACK, the transfer starts with DATA 1). */
  oack: Record<string, string>;
}

/** The limits a server applies while negotiating. */
export interface NegotiationLimits {
  /** The largest block size granted (RFC 2348 allows 8-65464); a larger request is lowered to it. */
  maxBlksize: number;
  /** The timeout used when the client asks for none (or for one above `maxTimeoutS`), in milliseconds. */
  defaultTimeoutMs: number;
  /**
   * The longest timeout accepted, in seconds: a larger `timeout` is left out of the OACK (RFC 2349 lets a server
   * ignore the option, not lower it) and the default applies, so an idle transfer cannot be held for minutes.
   * @defaultValue 255
   */
  maxTimeoutS?: number;
  /** The largest window granted (RFC 7440 allows 1-65535); a larger request is lowered. @defaultValue 64 */
  maxWindowsize?: number;
  /**
   * The most bytes in flight (block size × window size); the window is lowered to stay within it, since a transfer
   * holds its window in memory and a client's receive buffer must hold it too. @defaultValue 65536
   */
  maxWindowBytes?: number;
  /** Whether `tsize` is answered: the size is not known up front for a netascii transfer. @defaultValue true */
  sizeKnown?: boolean;
}

/** A refused negotiation: the message of the ERROR 8 sent to the client. */
export interface NegotiationRefusal {
  /** Why the options were refused. */
  refused: string;
}

const DECIMAL = /^[0-9]{1,10}$/;

/**
 * Negotiates the RFC 2348 `blksize`, RFC 2349 `tsize` and `timeout` and RFC 7440 `windowsize` options of a read
 * request for a file of `size` bytes. A `blksize` or `windowsize` above the server's maximum is lowered to it (and
 * the window so that block size × window stays within `maxWindowBytes`); a `timeout` above `maxTimeoutS` is not
 * acknowledged; `tsize` is answered with the real size (left out when the size is not known); unknown options are
 * left out of the OACK (RFC 2347). An out-of-range or non-numeric value refuses the request.
 */
export function negotiateOptions(
  requested: Readonly<Record<string, string>>,
  size: number,
  limits: NegotiationLimits,
): NegotiatedOptions | NegotiationRefusal {
  const result: NegotiatedOptions = { blksize: 512, timeoutMs: limits.defaultTimeoutMs, windowsize: 1, oack: {} };
  const blksize = requested.blksize;
  if (blksize !== undefined) {
    const n = DECIMAL.test(blksize) ? Number(blksize) : NaN;
    if (!(n >= 8 && n <= 65464)) return { refused: `blksize "${blksize}" is not a number from 8 to 65464` };
    result.blksize = Math.min(n, limits.maxBlksize);
    result.oack.blksize = String(result.blksize);
  }
  const timeout = requested.timeout;
  if (timeout !== undefined) {
    const n = DECIMAL.test(timeout) ? Number(timeout) : NaN;
    if (!(n >= 1 && n <= 255)) return { refused: `timeout "${timeout}" is not a number of seconds from 1 to 255` };
    if (n <= (limits.maxTimeoutS ?? 255)) {
      result.timeoutMs = n * 1000;
      result.oack.timeout = String(n);
    }
  }
  const tsize = requested.tsize;
  if (tsize !== undefined) {
    if (!DECIMAL.test(tsize)) return { refused: `tsize "${tsize}" is not a number` };
    if (limits.sizeKnown !== false) result.oack.tsize = String(size);
  }
  const windowsize = requested.windowsize;
  if (windowsize !== undefined) {
    const n = DECIMAL.test(windowsize) ? Number(windowsize) : NaN;
    if (!(n >= 1 && n <= 65535)) return { refused: `windowsize "${windowsize}" is not a number from 1 to 65535` };
    const byBytes = Math.max(1, Math.floor((limits.maxWindowBytes ?? 64 * 1024) / result.blksize));
    result.windowsize = Math.min(n, limits.maxWindowsize ?? 64, byBytes);
    result.oack.windowsize = String(result.windowsize);
  }
  return result;
}
