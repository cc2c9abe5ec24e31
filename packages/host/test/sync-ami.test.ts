import { createServer, type Server } from 'node:net';
import { isProvdError } from '@provd/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmiSyncService } from '../src/sync/index';

/** A stand-in for Asterisk's manager interface (Asterisk is not installable here): login, PJSIPNotify, logoff. */
let server: Server;
let port: number;
let actions: Record<string, string[]>[];
let notifyAnswer = 'Response: Success\r\nMessage: NOTIFY sent';

beforeEach(async () => {
  actions = [];
  notifyAnswer = 'Response: Success\r\nMessage: NOTIFY sent';
  server = createServer((socket) => {
    socket.on('error', () => {});
    socket.write('Asterisk Call Manager/7.0.3\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const fields: Record<string, string[]> = {};
        for (const line of buffer.slice(0, end).split('\r\n')) {
          const at = line.indexOf(': ');
          (fields[line.slice(0, at)] ??= []).push(line.slice(at + 2));
        }
        buffer = buffer.slice(end + 4);
        actions.push(fields);
        const id = fields.ActionID?.[0];
        const action = fields.Action?.[0];
        socket.write('Event: FullyBooted\r\nPrivilege: system,all\r\n\r\n');
        if (action === 'Login') {
          const ok = fields.Username?.[0] === 'provd' && fields.Secret?.[0] === 's3cret';
          socket.write(`Response: ${ok ? 'Success' : 'Error'}\r\nActionID: ${id}\r\nMessage: ${ok ? 'Authentication accepted' : 'Authentication failed'}\r\n\r\n`);
        } else if (action === 'PJSIPNotify') socket.write(`${notifyAnswer}\r\nActionID: ${id}\r\n\r\n`);
        else if (action === 'Logoff') socket.end('Response: Goodbye\r\nActionID: ' + id + '\r\n\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('AmiSyncService (PJSIPNotify through the Asterisk manager interface)', () => {
  it('logs in and sends PJSIPNotify to an endpoint or a URI', async () => {
    const sync = new AmiSyncService({ port, username: 'provd', secret: 's3cret' });
    await sync.notifyByPeer('line1001', 'check-sync');
    await sync.notifyByIp('10.0.0.5', 'check-sync;reboot=true', ['Content-type=text/plain', 'Content=action=restart']);
    const notifies = actions.filter((a) => a.Action?.[0] === 'PJSIPNotify');
    expect(notifies[0]).toMatchObject({ Endpoint: ['line1001'], Variable: ['Event=check-sync'] });
    expect(notifies[1]).toMatchObject({ URI: ['sip:anonymous@10.0.0.5'], Variable: ['Event=check-sync;reboot=true', 'Content-type=text/plain', 'Content=action=restart'] });
    expect(actions.filter((a) => a.Action?.[0] === 'Logoff')).toHaveLength(2);
  });

  it('fails with PROVD_SYNC_FAILED on a refused login or a failed notify', async () => {
    const bad = await new AmiSyncService({ port, username: 'provd', secret: 'wrong' }).notifyByPeer('x', 'check-sync').catch((e: unknown) => e);
    expect(isProvdError(bad, 'PROVD_SYNC_FAILED')).toBe(true);
    expect((bad as Error).message).toContain('Authentication failed');
    notifyAnswer = 'Response: Error\r\nMessage: Unable to retrieve endpoint x';
    const failed = await new AmiSyncService({ port, username: 'provd', secret: 's3cret' }).notifyByPeer('x', 'check-sync').catch((e: unknown) => e);
    expect((failed as Error).message).toContain('Unable to retrieve endpoint x');
    const closed = await new AmiSyncService({ port: 1, username: 'provd', secret: 's3cret', timeoutMs: 2000 }).notifyByIp('10.0.0.5', 'check-sync').catch((e: unknown) => e);
    expect(isProvdError(closed, 'PROVD_SYNC_FAILED')).toBe(true);
  });
});
