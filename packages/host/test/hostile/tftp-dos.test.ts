import { createSocket } from 'node:dgram';
import { readFile, writeFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvisioningApp } from '../../src/app/index';
import { rrqPacket, TftpServer, tftpFileReply, toNetascii } from '../../src/tftp/index';
import { run } from '../serve-helpers';
import { AcmePlugin, MemoryPluginHost } from '../serve-test-plugins';
import { tftpGet } from '../tftp-client';

// Issue 16, TFTP denial of service: each case replayed against the real server on loopback with real clients.

let dir: TestDir;
let server: TftpServer;

beforeAll(async () => {
  dir = await testdir({ 'root/small.cfg': 'hello phone\n' });
  server = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.join('root'), req.filename) });
  await server.start();
});

afterAll(async () => {
  await server.close();
  await dir.cleanup();
});

const curl = (port: number, name: string, host = '127.0.0.1') => run('curl', ['-sS', '-m', '10', `tftp://${host}:${port}/${name}`]);

describe('TFTP resource limits', () => {
  it('1,100 RRQs with timeout=255 from one socket, never acknowledged, leave the transfer slots to other phones', async () => {
    const flood = createSocket('udp4');
    await new Promise<void>((resolve) => flood.bind(0, '127.0.0.1', resolve));
    try {
      for (let i = 0; i < 1100; i++) flood.send(rrqPacket(i % 2 ? 'small.cfg' : `./${'/'.repeat(i % 50)}small.cfg`, 'octet', { timeout: '255' }), server.port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.running).toBeLessThanOrEqual(4); // one socket: at most 4 transfers (maxTransfersPerSocket)
      const other = await curl(server.port, 'small.cfg');
      expect(other.stderr).toBe('');
      expect(other.stdout).toBe('hello phone\n');
    } finally {
      flood.close();
    }
  });

  it('caps the options that hold resources: timeout above 10 s ignored, window lowered to 64 KiB in flight', async () => {
    const big = Buffer.alloc(200_000, 7);
    await writeFile(dir.join('root/big.bin'), big);
    const r = await tftpGet(server.port, 'big.bin', { timeout: '255', blksize: '65464', windowsize: '65535', tsize: '0' });
    expect(r.oack).toEqual({ blksize: '65464', windowsize: '1', tsize: '200000' }); // no timeout: the default applies
    expect(r.data.equals(big)).toBe(true);
    const small = await tftpGet(server.port, 'big.bin', { timeout: '5', blksize: '1468', windowsize: '300' });
    expect(small.oack).toEqual({ timeout: '5', blksize: '1468', windowsize: '44' });
  });

  it('ends a transfer that gets no ACK within the idle limit, whatever its timeout', async () => {
    const quick = new TftpServer({ port: 0, maxIdleMs: 300, timeoutMs: 100, retries: 1000, handler: (req) => tftpFileReply(dir.join('root'), req.filename) });
    await quick.start();
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      silent.send(rrqPacket('small.cfg'), quick.port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(quick.running).toBe(1);
      for (let i = 0; i < 100 && quick.running > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(quick.running).toBe(0);
    } finally {
      silent.close();
      await quick.close();
    }
  });
});

describe('netascii of a large file', () => {
  it('streams the conversion: a 50 MB netascii read keeps the event loop free and the memory small', async () => {
    const line = Buffer.from('a provisioning line of text\r\n and a bare LF\n');
    const text = Buffer.alloc(50 * 1024 * 1024);
    for (let at = 0; at < text.length; at += line.length) line.copy(text, at);
    await writeFile(dir.join('root/text-50m.txt'), text);
    const expected = toNetascii(text);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    delay.enable();
    try {
      const out = dir.join('text.out');
      const transfer = run('curl', ['-sS', '--tftp-blksize', '8192', '-o', out, `tftp://127.0.0.1:${server.port}/text-50m.txt;mode=netascii`], { timeoutMs: 120_000 });
      // meanwhile, other phones are served
      const during = await curl(server.port, 'small.cfg');
      expect(during.stdout).toBe('hello phone\n');
      const r = await transfer;
      expect(r.code, r.stderr).toBe(0);
      expect((await readFile(out)).equals(expected)).toBe(true);
    } finally {
      clearInterval(sampler);
      delay.disable();
    }
    expect(delay.max / 1e6).toBeLessThan(1000); // before: one 5.5 s freeze converting the whole file
    expect((rssPeak - rssBefore) / 1024 / 1024).toBeLessThan(200); // before: GBs for the converted copy
  }, 120_000);
});

describe('TFTP over IPv6 loopback', () => {
  it('identifies a phone asking over ::1 like one asking over 127.0.0.1 and serves its file', async () => {
    const host = new MemoryPluginHost(dir.join('plugins'), { 'acme-1': (id, d) => new AcmePlugin(id, d) }, { ip: '10.0.0.1', http_port: 8667, tftp_port: 69 });
    const app = await ProvisioningApp.open({ dataDir: dir.join('data'), plugins: host, baseRawConfig: { ip: '10.0.0.1', http_port: 8667, tftp_port: 69 } });
    await app.start();
    await app.installPlugin('acme-1');
    await app.insertConfig({ id: 'c', parent_ids: [], raw_config: { sip_lines: { '1': { username: 'alice', password: 'pw', proxy_ip: '10.0.0.2' } } } });
    await app.insertDevice({ mac: '00:11:22:33:44:55', plugin: 'acme-1', config: 'c', ip: '127.0.0.1' });
    const tftp = new TftpServer({ host: '::1', port: 0, handler: (req) => app.tftpReply(req) });
    await tftp.start();
    try {
      const viaCurl = await curl(tftp.port, 'acme/001122334455.cfg', '[::1]');
      expect(viaCurl.stderr).toBe('');
      expect(viaCurl.stdout).toContain('user=alice\n');
      const out = dir.join('hpa6.cfg');
      const hpa = await run('tftp', ['-6', '-m', 'binary', '::1', String(tftp.port), '-c', 'get', 'acme/001122334455.cfg', out]);
      expect(hpa.code, hpa.stdout + hpa.stderr).toBe(0);
      expect(await readFile(out, 'utf8')).toContain('user=alice\n');
      expect(await app.devices.count()).toBe(1); // no anonymous device created for the IPv6 asker
    } finally {
      await tftp.close();
      await app.close();
    }
  });
});
