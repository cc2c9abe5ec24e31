import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isProvdError } from '@provd/sdk';
import { freeUdpPort, testdir, untilUdpBound, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNotify, parseSipResponse, UdpSipSyncService } from '../src/sync/index';

const fixtures = join(import.meta.dirname, 'fixtures', 'sipp');
let dir: TestDir;

beforeEach(async () => {
  dir = await testdir();
});
afterEach(() => dir.cleanup());


/** Starts sipp as a UAS on loopback with `scenario`; resolves once it listens. */
async function startSipp(scenario: string, port: number): Promise<{ child: ChildProcess; done: Promise<number | null>; log: string }> {
  const log = dir.join('sipp-messages.log');
  const child = spawn(
    'sipp',
    ['-sf', join(fixtures, scenario), '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-nostdin', '-trace_msg', '-message_file', log, '-timeout', '20s'],
    { cwd: dir.path, stdio: 'ignore' },
  );
  const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // sipp listens as soon as it runs; wait until the port is taken
  await untilUdpBound(port);
  return { child, done, log };
}

describe('SIP NOTIFY over UDP, against sipp as the phone', () => {
  it('sends check-sync to the device IP and resolves on 200 OK', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp('notify-uas.xml', port);
    const sync = new UdpSipSyncService({ port, t1Ms: 200 });
    await sync.notifyByIp('127.0.0.1', 'check-sync;reboot=false');
    expect(await sipp.done).toBe(0);
    const log = await readFile(sipp.log, 'utf8');
    expect(log).toMatch(new RegExp(`NOTIFY sip:anonymous@127\\.0\\.0\\.1:${port} SIP/2\\.0`));
    expect(log).toMatch(/^Event: check-sync;reboot=false\r?$/m);
    expect(log).toMatch(/^Subscription-State: terminated\r?$/m);
  });

  it('sends to a registered contact by peer name', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp('notify-uas.xml', port);
    const sync = new UdpSipSyncService({ t1Ms: 200, contactOf: async (peer) => (peer === 'line1' ? `127.0.0.1:${port}` : undefined) });
    await sync.notifyByPeer('line1', 'check-sync');
    expect(await sipp.done).toBe(0);
    expect(await readFile(sipp.log, 'utf8')).toMatch(/NOTIFY sip:line1@127\.0\.0\.1/);
    const err = await sync.notifyByPeer('unknown', 'check-sync').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_SYNC_FAILED')).toBe(true);
  });

  it('rejects with PROVD_HOST_SIP_REJECTED when the phone refuses the event', async () => {
    const port = await freeUdpPort();
    const sipp = await startSipp('notify-reject-uas.xml', port);
    const err = await new UdpSipSyncService({ port, t1Ms: 200 }).notifyByIp('127.0.0.1', 'check-sync').catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_HOST_SIP_REJECTED')).toBe(true);
    expect((err as Error).message).toContain('489');
    await sipp.done;
  });

  it('gives up with PROVD_HOST_SIP_NO_RESPONSE after its retransmissions when nobody answers', async () => {
    const silent = createSocket('udp4');
    let received = 0;
    silent.on('message', () => (received += 1));
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const err = await new UdpSipSyncService({ port: silent.address().port, t1Ms: 20, attempts: 3 })
      .notifyByIp('127.0.0.1', 'check-sync')
      .catch((e: unknown) => e);
    silent.close();
    expect(isProvdError(err, 'PROVD_HOST_SIP_NO_RESPONSE')).toBe(true);
    expect(received).toBe(3);
  });
});

describe('SIP messages', () => {
  it('builds a NOTIFY with extra headers and a body from AMI-style variables', () => {
    const built = buildNotify({
      uri: 'sip:anonymous@10.0.0.5:5060',
      event: 'service-control',
      local: { host: '10.0.0.1', port: 5070 },
      extraHeaders: ['Content-type=text/plain', 'Content=action=restart', 'Content=RegisterCallId={${SIPPEER(x,regcallid)}}', 'X-Evil: a\r\nInjected: b'],
    });
    expect(built.text).toMatch(/^NOTIFY sip:anonymous@10\.0\.0\.5:5060 SIP\/2\.0\r\n/);
    expect(built.text).toContain(`Via: SIP/2.0/UDP 10.0.0.1:5070;branch=${built.branch};rport\r\n`);
    expect(built.text).toContain('Content-Type: text/plain\r\n');
    expect(built.text).not.toContain('Injected');
    expect(built.text.endsWith('\r\n\r\naction=restart\r\nRegisterCallId={${SIPPEER(x,regcallid)}}\r\n')).toBe(true);
    const body = 'action=restart\r\nRegisterCallId={${SIPPEER(x,regcallid)}}\r\n';
    expect(built.text).toContain(`Content-Length: ${body.length}\r\n`);
  });

  it('parses a response status, Call-ID and branch, compact forms included', () => {
    expect(parseSipResponse('SIP/2.0 200 OK\r\nv: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bKabc;rport\r\ni: x@y\r\n\r\n')).toEqual({
      status: 200,
      reason: 'OK',
      callId: 'x@y',
      branch: 'z9hG4bKabc',
    });
    expect(parseSipResponse('NOTIFY sip:a@b SIP/2.0\r\n\r\n')).toBeUndefined();
  });
});
