/** The options a transfer runs with after negotiation. */
export interface NegotiatedOptions {
  /** Data block size in bytes (512 without the `blksize` option). */
  blksize: number;
  /** Retransmission timeout in milliseconds. */
  timeoutMs: number;
  /** The options to acknowledge in an OACK (empty: no OACK, the transfer starts with DATA 1). */
  oack: Record<string, string>;
}

/** The limits a server applies while negotiating. */
export interface NegotiationLimits {
  /** The largest block size granted (RFC 2348 allows 8-65464). */
  maxBlksize: number;
  /** The timeout used when the client asks for none, in milliseconds. */
  defaultTimeoutMs: number;
}

/** A refused negotiation: the message of the ERROR 8 sent to the client. */
export interface NegotiationRefusal {
  /** Why the options were refused. */
  refused: string;
}

const DECIMAL = /^[0-9]{1,10}$/;

/**
 * Negotiates the RFC 2348 `blksize`, RFC 2349 `tsize` and `timeout` options of a read request for a file of `size`
 * bytes. A `blksize` above the server's maximum is lowered to it; `tsize` is answered with the real size; unknown
 * options are left out of the OACK (RFC 2347). An out-of-range or non-numeric value refuses the request.
 */
export function negotiateOptions(
  requested: Readonly<Record<string, string>>,
  size: number,
  limits: NegotiationLimits,
): NegotiatedOptions | NegotiationRefusal {
  const result: NegotiatedOptions = { blksize: 512, timeoutMs: limits.defaultTimeoutMs, oack: {} };
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
    result.timeoutMs = n * 1000;
    result.oack.timeout = String(n);
  }
  const tsize = requested.tsize;
  if (tsize !== undefined) {
    if (!DECIMAL.test(tsize)) return { refused: `tsize "${tsize}" is not a number` };
    result.oack.tsize = String(size);
  }
  return result;
}
