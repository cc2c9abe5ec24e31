/** TFTP opcodes (RFC 1350, RFC 2347). */
export const TftpOpcode = {
  /** Read request. */
  RRQ: 1,
  /** Write request. */
  WRQ: 2,
  /** Data block. */
  DATA: 3,
  /** Acknowledgement. */
  ACK: 4,
  /** Error. */
  ERROR: 5,
  /** Option acknowledgement (RFC 2347). */
  OACK: 6,
} as const;

/** TFTP error codes (RFC 1350, RFC 2347). */
export const TftpErrorCode = {
  /** Not defined, see the message. */
  UNDEFINED: 0,
  /** File not found. */
  FILE_NOT_FOUND: 1,
  /** Access violation. */
  ACCESS_VIOLATION: 2,
  /** Disk full or allocation exceeded. */
  DISK_FULL: 3,
  /** Illegal TFTP operation. */
  ILLEGAL_OPERATION: 4,
  /** Unknown transfer id. */
  UNKNOWN_TID: 5,
  /** File already exists. */
  FILE_EXISTS: 6,
  /** No such user. */
  NO_SUCH_USER: 7,
  /** Option negotiation refused (RFC 2347). */
  OPTION_REFUSED: 8,
} as const;

/** The largest request datagram accepted (RFC 2347 keeps requests within 512 bytes). */
export const MAX_REQUEST_SIZE = 512;

/** A parsed read or write request. */
export interface TftpRequestPacket {
  /** `1` (RRQ) or `2` (WRQ). */
  opcode: 1 | 2;
  /** The file name, as sent. */
  filename: string;
  /** The mode, lower case. */
  mode: string;
  /** The options, names lower case, values as sent. */
  options: Record<string, string>;
}

/** Any packet a TFTP server receives, or a parse error. */
export type ParsedPacket =
  | { kind: 'request'; packet: TftpRequestPacket }
  | { kind: 'ack'; block: number }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'data'; block: number }
  | { kind: 'invalid'; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses one datagram. Never throws: a malformed packet gives `{ kind: 'invalid', reason }`. Requests must be
 * NUL-terminated fields `filename, mode[, name, value]...` with no repeated option and at most
 * {@link MAX_REQUEST_SIZE} bytes.
 */
export function parsePacket(datagram: Uint8Array): ParsedPacket {
  if (datagram.length < 2) return { kind: 'invalid', reason: 'packet shorter than an opcode' };
  const opcode = (datagram[0]! << 8) | datagram[1]!;
  const view = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  switch (opcode) {
    case TftpOpcode.RRQ:
    case TftpOpcode.WRQ:
      return parseRequest(opcode, view);
    case TftpOpcode.ACK:
      if (view.length !== 4) return { kind: 'invalid', reason: 'ACK must be 4 bytes' };
      return { kind: 'ack', block: view.readUInt16BE(2) };
    case TftpOpcode.DATA:
      if (view.length < 4) return { kind: 'invalid', reason: 'DATA shorter than its header' };
      return { kind: 'data', block: view.readUInt16BE(2) };
    case TftpOpcode.ERROR: {
      if (view.length < 5 || view[view.length - 1] !== 0) return { kind: 'invalid', reason: 'ERROR must end with NUL' };
      return { kind: 'error', code: view.readUInt16BE(2), message: view.subarray(4, view.length - 1).toString('latin1') };
    }
    default:
      return { kind: 'invalid', reason: `unknown opcode ${opcode}` };
  }
}

function parseRequest(opcode: 1 | 2, view: Buffer): ParsedPacket {
  if (view.length > MAX_REQUEST_SIZE) return { kind: 'invalid', reason: `request larger than ${MAX_REQUEST_SIZE} bytes` };
  if (view[view.length - 1] !== 0) return { kind: 'invalid', reason: 'request does not end with NUL' };
  const fields: string[] = [];
  let start = 2;
  for (let i = 2; i < view.length; i++) {
    if (view[i] !== 0) continue;
    try {
      fields.push(utf8.decode(view.subarray(start, i)));
    } catch {
      return { kind: 'invalid', reason: 'request field is not UTF-8' };
    }
    start = i + 1;
  }
  if (fields.length < 2 || fields.length % 2 !== 0) return { kind: 'invalid', reason: 'invalid number of fields' };
  const [filename, mode] = fields as [string, string];
  if (filename === '') return { kind: 'invalid', reason: 'empty file name' };
  const options: Record<string, string> = {};
  for (let i = 2; i < fields.length; i += 2) {
    const name = fields[i]!.toLowerCase();
    if (name === '') return { kind: 'invalid', reason: 'empty option name' };
    if (Object.hasOwn(options, name)) return { kind: 'invalid', reason: `option "${name}" given more than once` };
    options[name] = fields[i + 1]!;
  }
  return { kind: 'request', packet: { opcode, filename, mode: mode.toLowerCase(), options } };
}

/** Builds a DATA packet. */
export function dataPacket(block: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt16BE(TftpOpcode.DATA, 0);
  out.writeUInt16BE(block & 0xffff, 2);
  out.set(payload, 4);
  return out;
}

/** Builds an ERROR packet. */
export function errorPacket(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'latin1');
  const out = Buffer.alloc(5 + text.length);
  out.writeUInt16BE(TftpOpcode.ERROR, 0);
  out.writeUInt16BE(code, 2);
  text.copy(out, 4);
  return out;
}

/** Builds an OACK packet from the accepted options (values as decimal strings). */
export function oackPacket(options: Readonly<Record<string, string | number>>): Buffer {
  const parts: Buffer[] = [Buffer.from([0, TftpOpcode.OACK])];
  for (const [name, value] of Object.entries(options)) parts.push(Buffer.from(`${name}\0${String(value)}\0`, 'latin1'));
  return Buffer.concat(parts);
}

/** Builds an ACK packet (what a client sends; used by tests). */
export function ackPacket(block: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt16BE(TftpOpcode.ACK, 0);
  out.writeUInt16BE(block & 0xffff, 2);
  return out;
}

/** Builds a read request (what a client sends; used by tests). */
export function rrqPacket(filename: string, mode = 'octet', options: Readonly<Record<string, string>> = {}): Buffer {
  let text = `${filename}\0${mode}\0`;
  for (const [name, value] of Object.entries(options)) text += `${name}\0${value}\0`;
  return Buffer.concat([Buffer.from([0, TftpOpcode.RRQ]), Buffer.from(text, 'utf8')]);
}
