import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { createProvdError, type SyncService } from '@provd/sdk';
import { buildNotify, parseSipResponse } from './sip-message';
import { hostError } from '../errors';

/** Options of {@link UdpSipSyncService}. */
export interface UdpSipSyncOptions {
  /** The SIP port of the phones. @defaultValue 5060 */
  port?: number;
  /** RFC 3261 T1 (first retransmission interval) in ms. @defaultValue 500 */
  t1Ms?: number;
  /** RFC 3261 T2 (longest retransmission interval) in ms. @defaultValue 4000 */
  t2Ms?: number;
  /** How many times the NOTIFY is sent before giving up. @defaultValue 7 */
  attempts?: number;
  /** Finds the registered contact (`host[:port]`) of a SIP peer, for {@link UdpSipSyncService.notifyByPeer}. */
  contactOf?: (peer: string) => Promise<string | undefined>;
}

/** Splits `host`, `host:port` or `[v6]:port` into a host and a port. */
function splitTarget(target: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(target);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  if (isIPv6(target)) return { host: target, port: defaultPort };
  const m = /^([^:]+):(\d+)$/.exec(target);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: target, port: defaultPort };
}

/**
 * Sends SIP NOTIFY events straight to phones over UDP, as a non-INVITE client transaction (RFC 3261 §17.1.2):
 * retransmitted at T1, doubling up to T2, until a final response arrives. Resolves on a 2xx response.
 *
 * @example
 * ```ts
 * const sync = new UdpSipSyncService();
 * await sync.notifyByIp('10.0.0.5', 'check-sync');
 * ```
 */
export class UdpSipSyncService implements SyncService {
  /** The name of this implementation in logs: `sip-udp`. */
  readonly type = 'sip-udp';
  private readonly options: Required<Omit<UdpSipSyncOptions, 'contactOf'>> & Pick<UdpSipSyncOptions, 'contactOf'>;

  /** Creates the service. */
  constructor(options: UdpSipSyncOptions = {}) {
    this.options = { port: 5060, t1Ms: 500, t2Ms: 4000, attempts: 7, ...options };
  }

  /** Sends a NOTIFY with `event` to `sip:anonymous@<ip>` (`ip` may carry a port, `10.0.0.5:5062`). */
  async notifyByIp(ip: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    await this.send(ip, 'anonymous', event, extraHeaders);
  }

  /** Sends a NOTIFY with `event` to the registered contact of the SIP peer `peer`. */
  async notifyByPeer(peer: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    const contact = await this.options.contactOf?.(peer);
    if (!contact) throw createProvdError('PROVD_SYNC_FAILED', { device: peer, reason: `no registered contact is known for SIP peer "${peer}"` });
    await this.send(contact, peer, event, extraHeaders);
  }

  private async send(target: string, user: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    const { host, port } = splitTarget(target, this.options.port);
    const socket: Socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.connect(port, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const local = socket.address();
      const uri = `sip:${user}@${isIPv6(host) ? `[${host}]` : host}:${port}`;
      const notify = buildNotify({ uri, event, local: { host: local.address, port: local.port }, extraHeaders });
      await this.transaction(socket, notify.text, notify.callId, `${host}:${port}`);
    } finally {
      socket.close();
    }
  }

  private transaction(socket: Socket, text: string, callId: string, target: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let sent = 0;
      let interval = this.options.t1Ms;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err?: Error) => {
        clearTimeout(timer);
        socket.removeAllListeners('message');
        socket.removeAllListeners('error');
        if (err) reject(err);
        else resolve();
      };
      const transmit = () => {
        if (sent >= this.options.attempts) {
          finish(hostError('PROVD_HOST_SIP_NO_RESPONSE', { target, attempts: sent }));
          return;
        }
        sent += 1;
        socket.send(text);
        timer = setTimeout(transmit, interval);
        interval = Math.min(interval * 2, this.options.t2Ms);
      };
      socket.on('message', (msg) => {
        const response = parseSipResponse(msg.toString('utf8'));
        if (!response || response.callId !== callId) return;
        if (response.status < 200) return;
        if (response.status < 300) finish();
        else finish(hostError('PROVD_HOST_SIP_REJECTED', { target, status: response.status, reason: response.reason }));
      });
      // ICMP port unreachable surfaces as an error on a connected socket: keep retransmitting until attempts run out
      socket.on('error', () => {});
      transmit();
    });
  }
}
