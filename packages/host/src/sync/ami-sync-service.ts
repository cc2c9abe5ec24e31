import { connect, type Socket } from 'node:net';
import { createProvdError, type SyncService } from '@provd/sdk';

/** Options of {@link AmiSyncService}. */
export interface AmiSyncOptions {
  /** The Asterisk host. @defaultValue "127.0.0.1" */
  host?: string;
  /** The AMI port. @defaultValue 5038 */
  port?: number;
  /** The AMI user (`manager.conf`). */
  username: string;
  /** Its secret. */
  secret: string;
  /** How long one notification may take, in ms. @defaultValue 10000 */
  timeoutMs?: number;
}

type AmiMessage = Record<string, string[]>;

/** Reads AMI messages (blocks of `Key: value` lines ended by an empty line) from a socket. */
class AmiReader {
  private buffer = '';
  private readonly queue: AmiMessage[] = [];
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  constructor(socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\r\n\r\n')) >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 4);
        const message: AmiMessage = {};
        for (const line of block.split('\r\n')) {
          const at = line.indexOf(':');
          if (at <= 0) continue;
          const key = line.slice(0, at).trim().toLowerCase();
          (message[key] ??= []).push(line.slice(at + 1).trim());
        }
        this.queue.push(message);
      }
      this.waiter?.();
    });
    const fail = (err: Error) => {
      this.failure = err;
      this.waiter?.();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the AMI connection closed')));
  }

  /** The banner line (`Asterisk Call Manager/...`), consumed from the buffer. */
  async banner(): Promise<string> {
    while (!this.buffer.includes('\r\n')) await this.wait();
    const at = this.buffer.indexOf('\r\n');
    const line = this.buffer.slice(0, at);
    this.buffer = this.buffer.slice(at + 2);
    return line;
  }

  /** The response to action `actionId` (events are skipped). */
  async response(actionId: string): Promise<AmiMessage> {
    for (;;) {
      const index = this.queue.findIndex((m) => m.actionid?.[0] === actionId && m.response !== undefined);
      if (index >= 0) return this.queue.splice(index, 1)[0]!;
      this.queue.length = 0;
      await this.wait();
    }
  }

  private async wait(): Promise<void> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    this.waiter = undefined;
    if (this.failure && this.queue.length === 0 && !this.buffer.includes('\r\n')) throw this.failure;
  }
}

const clean = (value: string): string => value.replace(/[\r\n]/g, ' ');

/**
 * Sends SIP NOTIFY events through Asterisk's manager interface (AMI action `PJSIPNotify`), as the established host
 * does through wazo-amid: to `sip:anonymous@<ip>` by IP, or to the PJSIP endpoint of a peer. Each notification logs
 * in, sends the action and logs off; it resolves on `Response: Success`.
 *
 * @example
 * ```ts
 * const sync = new AmiSyncService({ username: 'provd', secret: 'secret' });
 * await sync.notifyByPeer('line1001', 'check-sync');
 * ```
 */
export class AmiSyncService implements SyncService {
  /** The name of this implementation in logs: `asterisk-ami`. */
  readonly type = 'asterisk-ami';

  /** Creates the service. */
  constructor(private readonly options: AmiSyncOptions) {}

  /** Sends `PJSIPNotify` with `URI: sip:anonymous@<ip>`. */
  async notifyByIp(ip: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    await this.notify(ip, { URI: `sip:anonymous@${ip}` }, event, extraHeaders);
  }

  /** Sends `PJSIPNotify` with `Endpoint: <peer>`. */
  async notifyByPeer(peer: string, event: string, extraHeaders?: readonly string[]): Promise<void> {
    await this.notify(peer, { Endpoint: peer }, event, extraHeaders);
  }

  private async notify(target: string, destination: Record<string, string>, event: string, extraHeaders?: readonly string[]): Promise<void> {
    const socket = connect(this.options.port ?? 5038, this.options.host ?? '127.0.0.1');
    const reader = new AmiReader(socket);
    const timer = setTimeout(() => socket.destroy(new Error(`no answer from the AMI within ${this.options.timeoutMs ?? 10_000} ms`)), this.options.timeoutMs ?? 10_000);
    const send = (fields: [string, string][]) => socket.write(`${fields.map(([k, v]) => `${k}: ${clean(v)}`).join('\r\n')}\r\n\r\n`);
    try {
      await reader.banner();
      send([['Action', 'Login'], ['ActionID', 'provd-1'], ['Username', this.options.username], ['Secret', this.options.secret]]);
      const login = await reader.response('provd-1');
      if (login.response?.[0]?.toLowerCase() !== 'success') {
        throw new Error(`AMI login refused: ${login.message?.[0] ?? 'no message'}`);
      }
      const variables = [`Event=${event}`, ...(extraHeaders ?? []).map((h) => h.replace(/^([A-Za-z][A-Za-z0-9-]*)\s*:\s*/, '$1='))];
      send([['Action', 'PJSIPNotify'], ['ActionID', 'provd-2'], ...Object.entries(destination), ...variables.map((v): [string, string] => ['Variable', v])]);
      const result = await reader.response('provd-2');
      if (result.response?.[0]?.toLowerCase() !== 'success') throw new Error(`PJSIPNotify failed: ${result.message?.[0] ?? 'no message'}`);
      send([['Action', 'Logoff'], ['ActionID', 'provd-3']]);
      await reader.response('provd-3').catch(() => undefined);
    } catch (err) {
      throw createProvdError('PROVD_SYNC_FAILED', { device: target, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
    } finally {
      clearTimeout(timer);
      socket.end();
      socket.destroy();
    }
  }
}
