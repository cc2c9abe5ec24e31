/**
 * How the host sends SIP NOTIFY messages to phones, so that a plugin's `synchronize` can ask a phone to fetch its
 * configuration again (contract §7). The host decides the transport: straight to the phone over UDP, or through
 * Asterisk AMI.
 */
export interface SyncService {
  /** A short name of the implementation, for logs (e.g. `sip-udp`, `asterisk-ami`). */
  readonly type: string;
  /** Sends a NOTIFY with `event` (e.g. `check-sync`) to the phone at `ip`. */
  notifyByIp(ip: string, event: string, extraHeaders?: readonly string[]): Promise<void>;
  /** Sends a NOTIFY with `event` to the SIP endpoint (peer) named `peer`. */
  notifyByPeer(peer: string, event: string, extraHeaders?: readonly string[]): Promise<void>;
}
