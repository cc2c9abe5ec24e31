import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TftpServer, tftpFileReply } from '../src/tftp/index';
import { run } from './serve-helpers';
import { tftpGet } from './tftp-client';

// RFC 7440 windows and many transfers at once, against the real server on loopback (default limits).

let dir: TestDir;
let server: TftpServer;
const files: Record<string, Buffer> = {};

beforeAll(async () => {
  for (let i = 0; i < 500; i++) files[`f/${i}.cfg`] = randomBytes(700 + ((i * 37) % 1500));
  files['big.bin'] = randomBytes(300_000);
  dir = await testdir(Object.fromEntries(Object.entries(files).map(([k, v]) => [`root/${k}`, v])));
  server = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.join('root'), req.filename) });
  await server.start();
});

afterAll(async () => {
  await server.close();
  await dir.cleanup();
});

describe('TFTP windowsize (RFC 7440)', () => {
  it('negotiates a window and sends that many blocks before waiting for an ACK', async () => {
    const r = await tftpGet(server.port, 'big.bin', { blksize: '1468', windowsize: '16' });
    expect(r.oack).toMatchObject({ blksize: '1468', windowsize: '16' });
    expect(r.data.equals(files['big.bin']!)).toBe(true);
    expect(Math.max(...r.perAck)).toBe(16);
  });

  it('sends again from the block after the last one acknowledged when a block of a window is lost', async () => {
    const r = await tftpGet(server.port, 'big.bin', { blksize: '1024', windowsize: '8' }, { dropOnce: [3, 20, 21, 293] });
    expect(r.data.equals(files['big.bin']!)).toBe(true);
  });

  it('lowers a window above its maximum, and keeps one block at a time without the option', async () => {
    const r = await tftpGet(server.port, 'big.bin', { blksize: '8192', windowsize: '1000' });
    expect(r.oack.windowsize).toBe('8'); // 64 KiB in flight at most: 8 blocks of 8192
    expect(r.data.equals(files['big.bin']!)).toBe(true);
    const plain = await tftpGet(server.port, 'f/1.cfg');
    expect(plain.oack).toEqual({});
    expect(plain.data.equals(files['f/1.cfg']!)).toBe(true);
  });
});

describe('500 concurrent small transfers', () => {
  it('sends every file whole and correct to 500 clients at once, with tftp-hpa and curl among them', async () => {
    const names = Object.keys(files).filter((n) => n.startsWith('f/'));
    const raw = names.slice(0, 440).map(async (name, i) => {
      const r = await tftpGet(server.port, name, i % 2 ? { blksize: '512', tsize: '0' } : {}, { timeoutMs: 60_000 });
      return r.data.equals(files[name]!) ? '' : `raw ${name}: wrong bytes`;
    });
    const hpa = names.slice(440, 470).map(async (name, i) => {
      const out = dir.join(`hpa-${i}.out`);
      const r = await run('tftp', ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', name, out], { timeoutMs: 60_000 });
      return r.code === 0 && (await readFile(out)).equals(files[name]!) ? '' : `tftp-hpa ${name}: ${r.code} ${r.stdout}${r.stderr}`;
    });
    const curl = names.slice(470).map(async (name) => {
      const out = dir.join(`curl-${name.replace('/', '-')}`);
      const r = await run('curl', ['-sS', '--tftp-blksize', '1468', '-o', out, `tftp://127.0.0.1:${server.port}/${name}`], { timeoutMs: 60_000 });
      return r.code === 0 && (await readFile(out)).equals(files[name]!) ? '' : `curl ${name}: ${r.code} ${r.stderr}`;
    });
    const results = await Promise.all([...raw, ...hpa, ...curl]);
    expect(results.filter((problem) => problem !== '')).toEqual([]);
    expect(results).toHaveLength(500);
    // the last ACKs may still be on their way: every transfer ends once its final ACK is read
    for (let i = 0; i < 300 && server.running > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.running).toBe(0);
  }, 120_000);
});
