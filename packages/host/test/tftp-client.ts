import { createSocket } from 'node:dgram';
import { ackPacket, parsePacket, rrqPacket } from '../src/tftp/index';

/** What {@link tftpGet} received. */
export interface TftpGetResult {
  /** The file's bytes. */
  data: Buffer;
  /** The options the server acknowledged (empty without an OACK). */
  oack: Record<string, string>;
  /** How many DATA packets arrived before each ACK was sent. */
  perAck: number[];
}

/**
 * A small TFTP client for protocol tests (the real clients, curl and tftp-hpa, know no `windowsize`): reads `name`
 * with the given options, acknowledging each window of `windowsize` blocks (RFC 7440) or the last block of the
 * file, and retransmitting its last ACK on silence. `dropOnce` drops the first arrival of those block numbers, to
 * test the server's resend from the last acknowledged block.
 */
export async function tftpGet(
  port: number,
  name: string,
  options: Record<string, string> = {},
  { host = '127.0.0.1', mode = 'octet', dropOnce = [] as number[], timeoutMs = 20_000 } = {},
): Promise<TftpGetResult> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const blksize = Number(options.blksize ?? 512);
  let windowsize = 1;
  const chunks: Buffer[] = [];
  const oack: Record<string, string> = {};
  const perAck: number[] = [];
  const dropped = new Set<number>();
  let expected = 1;
  let inWindow = 0;
  let serverPort = 0;
  let last: Buffer = rrqPacket(name, mode, options);
  try {
    return await new Promise<TftpGetResult>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`tftpGet ${name}: no end after ${timeoutMs} ms`)), timeoutMs);
      const retry = setInterval(() => socket.send(last, serverPort || port, host), 1000);
      const finish = (fn: () => void) => {
        clearTimeout(deadline);
        clearInterval(retry);
        fn();
      };
      const ack = (block: number) => {
        perAck.push(inWindow);
        inWindow = 0;
        last = ackPacket(block);
        socket.send(last, serverPort, host);
      };
      socket.on('message', (msg, rinfo) => {
        serverPort = rinfo.port;
        const p = parsePacket(msg);
        if (p.kind === 'error') return finish(() => reject(new Error(`TFTP error ${p.code}: ${p.message}`)));
        if (msg[1] === 6) {
          const fields = msg.subarray(2).toString('latin1').split('\0').slice(0, -1);
          for (let i = 0; i + 1 < fields.length; i += 2) oack[fields[i]!] = fields[i + 1]!;
          windowsize = Number(oack.windowsize ?? 1);
          return ack(0);
        }
        if (p.kind !== 'data') return;
        const block = msg.readUInt16BE(2);
        if (dropOnce.includes(block) && !dropped.has(block)) {
          dropped.add(block);
          return;
        }
        if (block !== (expected & 0xffff)) {
          // out of order (a block was lost): acknowledge what arrived in order, the server resends from there
          if (inWindow > 0 || block !== ((expected - 1) & 0xffff)) ack((expected - 1) & 0xffff);
          return;
        }
        const payload = msg.subarray(4);
        chunks.push(Buffer.from(payload));
        expected++;
        inWindow++;
        const effective = Number(oack.blksize ?? blksize) || 512;
        if (payload.length < (oack.blksize ? effective : 512)) {
          ack(block);
          return finish(() => resolve({ data: Buffer.concat(chunks), oack, perAck }));
        }
        if (inWindow >= windowsize) ack(block);
      });
      socket.send(last, port, host);
    });
  } finally {
    socket.close();
  }
}
