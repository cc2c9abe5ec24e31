import { randomBytes } from 'node:crypto';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackPacket, parsePacket, rrqPacket, TftpServer, tftpFileReply } from '../src/tftp/index';
import { run, UdpClient } from './serve-helpers';

let dir: TestDir;
let server: TftpServer;
const big = randomBytes(200_000);
const text = 'line one\nline two\r\nend\n';

beforeAll(async () => {
  dir = await testdir({
    'tftpboot/small.cfg': 'hello phone\n',
    'tftpboot/text.txt': text,
    'tftpboot/sub/nested.cfg': 'nested\n',
    'tftpboot/exact.bin': Buffer.alloc(1024, 7),
    'tftpboot2/secret': 'sibling secret\n',
    'secret': 'top secret\n',
  });
  await writeFile(dir.join('tftpboot/big.bin'), big);
  await mkdir(dir.join('tftpboot/dir'));
  await symlink(dir.join('secret'), dir.join('tftpboot/link-out'));
  await symlink(dir.join('tftpboot/small.cfg'), dir.join('tftpboot/link-in'));
  server = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.join('tftpboot'), req.filename) });
  await server.start();
});

afterAll(async () => {
  await server.close();
  await dir.cleanup();
});

const url = (name: string) => `tftp://127.0.0.1:${server.port}/${name}`;

describe('TFTP server with real clients', () => {
  it('serves a small file to curl', async () => {
    const r = await run('curl', ['-sS', url('small.cfg')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello phone\n');
  });

  it('serves a multi-block file to curl with a negotiated block size, and without options', async () => {
    for (const args of [['--tftp-blksize', '1428'], ['--tftp-blksize', '8192'], ['--tftp-no-options'], []]) {
      const out = dir.join(`big-${args.join('')}.out`);
      const r = await run('curl', ['-sS', ...args, url('big.bin'), '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect((await readFile(out)).equals(big)).toBe(true);
    }
  });

  it('wraps the block number past 65535 (a file of more than 65535 blocks)', async () => {
    const data = randomBytes(65_540 * 8 + 3);
    await writeFile(dir.join('tftpboot/wrap.bin'), data);
    const out = dir.join('wrap.out');
    const r = await run('curl', ['-sS', '--tftp-blksize', '8', url('wrap.bin'), '-o', out], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect((await readFile(out)).equals(data)).toBe(true);
  }, 120_000);

  it('ends a file whose size is a multiple of the block size with an empty block', async () => {
    const out = dir.join('exact.out');
    const r = await run('curl', ['-sS', '--tftp-blksize', '512', url('exact.bin'), '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(out)).toEqual(Buffer.alloc(1024, 7));
  });

  it('serves nested files and symlinks that stay inside the root', async () => {
    expect((await run('curl', ['-sS', url('sub/nested.cfg')])).stdout).toBe('nested\n');
    expect((await run('curl', ['-sS', url('link-in')])).stdout).toBe('hello phone\n');
  });

  it('serves tftp-hpa in binary and netascii modes', async () => {
    const bin = dir.join('hpa-big.out');
    const r1 = await run('tftp', ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', 'big.bin', bin]);
    expect(r1.code, r1.stdout + r1.stderr).toBe(0);
    expect((await readFile(bin)).equals(big)).toBe(true);
    const txt = dir.join('hpa-text.out');
    const r2 = await run('tftp', ['-m', 'netascii', '127.0.0.1', String(server.port), '-c', 'get', 'text.txt', txt]);
    expect(r2.code, r2.stdout + r2.stderr).toBe(0);
    expect(await readFile(txt, 'utf8')).toBe(text);
  });

  it('refuses traversal, absolute names, symlinks out of the root, directories and missing files', async () => {
    for (const name of ['../secret', '../tftpboot2/secret', 'sub/../../secret', 'link-out', 'dir', 'missing.cfg', '%2e%2e/secret']) {
      const r = await run('curl', ['-sS', url(name)]);
      expect(r.code, name).not.toBe(0);
      expect(r.stdout).toBe('');
    }
    // curl normalises "/../" itself; a raw request sends the name as it is
    const client = new UdpClient();
    await client.bind();
    for (const name of ['../secret', '/../secret', '../tftpboot2/secret', `${dir.path}/secret`]) {
      client.send(rrqPacket(name), server.port);
      const reply = parsePacket((await client.next()).msg);
      expect(reply.kind, name).toBe('error');
    }
    client.close();
  });

  it('lets tftp-hpa fetch nothing outside the root', async () => {
    const out = dir.join('hpa-secret.out');
    const r = await run('tftp', ['-m', 'binary', '127.0.0.1', String(server.port), '-c', 'get', '../secret', out]);
    expect(r.stdout + r.stderr).toMatch(/Error code 2|access violation/i);
  });
});

describe('TFTP option negotiation (RFC 2347/2348/2349)', () => {
  it('acknowledges blksize, tsize and timeout, then sends blocks of the agreed size', async () => {
    const client = new UdpClient();
    await client.bind();
    client.send(rrqPacket('big.bin', 'octet', { blksize: '1024', tsize: '0', timeout: '3', unknown: 'x' }), server.port);
    const oack = await client.next();
    expect(oack.msg[1]).toBe(6);
    const fields = oack.msg.subarray(2).toString('latin1').split('\0').slice(0, -1);
    expect(Object.fromEntries([[fields[0], fields[1]], [fields[2], fields[3]], [fields[4], fields[5]]])).toEqual({
      blksize: '1024',
      tsize: String(big.length),
      timeout: '3',
    });
    client.send(ackPacket(0), oack.port);
    const data = await client.next();
    expect(data.msg.readUInt16BE(0)).toBe(3);
    expect(data.msg.readUInt16BE(2)).toBe(1);
    expect(data.msg.subarray(4).equals(big.subarray(0, 1024))).toBe(true);
    client.send(Buffer.from([0, 5, 0, 0, 0]), oack.port); // client gives up
    client.close();
  });

  it('lowers a block size above its maximum and refuses one out of range', async () => {
    const limited = new TftpServer({ port: 0, maxBlksize: 1468, handler: (req) => tftpFileReply(dir.join('tftpboot'), req.filename) });
    await limited.start();
    const client = new UdpClient();
    await client.bind();
    client.send(rrqPacket('big.bin', 'octet', { blksize: '65464' }), limited.port);
    const oack = await client.next();
    expect(oack.msg.subarray(2).toString('latin1')).toBe('blksize\x001468\x00');
    client.send(Buffer.from([0, 5, 0, 8, 0]), oack.port);
    for (const blksize of ['7', '65465', 'x', '']) {
      client.send(rrqPacket('small.cfg', 'octet', { blksize }), limited.port);
      const reply = parsePacket((await client.next()).msg);
      expect(reply).toMatchObject({ kind: 'error', code: 8 });
    }
    client.close();
    await limited.close();
  });

  it('sends the last packet again when the ACK does not come, and answers a stranger with "unknown transfer id"', async () => {
    const client = new UdpClient();
    await client.bind();
    client.send(rrqPacket('small.cfg', 'octet', { timeout: '1' }), server.port);
    const first = await client.next();
    const stranger = new UdpClient();
    await stranger.bind();
    stranger.send(ackPacket(0), first.port);
    expect(parsePacket((await stranger.next()).msg)).toMatchObject({ kind: 'error', code: 5 });
    stranger.close();
    const again = await client.next();
    expect(again.msg.equals(first.msg)).toBe(true);
    client.send(ackPacket(0), first.port);
    const data = await client.next();
    expect(data.msg.subarray(4).toString()).toBe('hello phone\n');
    client.send(ackPacket(1), first.port);
    client.close();
  });
});

describe('TFTP client gone', () => {
  it('ends a transfer at once when the client\'s port is closed (the connected socket hears it), not after its retries', async () => {
    const ended: { status: string; ms: number }[] = [];
    const own = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.join('tftpboot'), req.filename), onTransferDone: (d) => ended.push(d) });
    await own.start();
    const client = new UdpClient();
    await client.bind();
    client.send(rrqPacket('big.bin', 'octet', { timeout: '1' }), own.port);
    const oack = await client.next();
    expect(oack.msg.readUInt16BE(0)).toBe(6); // OACK
    client.close();
    // the OACK is sent again after 1 s, to a closed port: the ICMP answer ends the transfer (5 retries take 6 s)
    const deadline = Date.now() + 4000;
    while (ended.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toMatchObject([{ status: 'aborted' }]);
    expect(own.running).toBe(0);
    await own.close();
  });
});

describe('TFTP hostile input', () => {
  it('ends a transfer with "illegal operation" when the client sends anything but an ACK, and at once on its ERROR', async () => {
    const ended: { status: string }[] = [];
    const own = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.join('tftpboot'), req.filename), onTransferDone: (d) => ended.push(d) });
    await own.start();
    const client = new UdpClient();
    await client.bind();
    client.send(rrqPacket('big.bin', 'octet', {}), own.port);
    const data = await client.next();
    expect(data.msg.readUInt16BE(0)).toBe(3); // DATA 1
    client.send(Buffer.from([0, 3, 0, 1, 9]), data.port); // a DATA packet to the server
    expect(parsePacket((await client.next()).msg)).toMatchObject({ kind: 'error', code: 4, message: 'expected an ACK' });
    client.send(rrqPacket('big.bin', 'octet', { blksize: '1024' }), own.port);
    const oack = await client.next();
    expect(oack.msg.readUInt16BE(0)).toBe(6);
    client.send(ackPacket(0), oack.port);
    expect((await client.next()).msg.readUInt16BE(0)).toBe(3);
    client.send(Buffer.from('\x00\x05\x00\x00client gave up\x00', 'latin1'), oack.port);
    const deadline = Date.now() + 3000;
    while (ended.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toMatchObject([{ status: 'illegal_operation' }, { status: 'aborted' }]);
    client.close();
    await own.close();
  });

  it('answers malformed packets and writes with a clean error and keeps serving', async () => {
    const client = new UdpClient();
    await client.bind();
    const bad: [Buffer, number][] = [
      [Buffer.from([]), 4],
      [Buffer.from([1]), 4],
      [Buffer.from([0, 1]), 4],
      [Buffer.from('\x00\x01fname\x00octet', 'latin1'), 4],
      [Buffer.from('\x00\x01fname\x00octet\x00a\x00', 'latin1'), 4],
      [Buffer.from('\x00\x01f\x00octet\x00a\x001\x00A\x002\x00', 'latin1'), 4],
      [Buffer.from('\x00\x01\x00octet\x00', 'latin1'), 4],
      [Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(600, 0x61), Buffer.from('\x00octet\x00')]), 4],
      [Buffer.from([0, 1, 0xff, 0xfe, 0, 0x6f, 0x63, 0x74, 0x65, 0x74, 0]), 4],
      [Buffer.from([0, 9, 1, 2]), 4],
      [Buffer.from('\x00\x02small.cfg\x00octet\x00', 'latin1'), 2],
      [Buffer.from('\x00\x01small.cfg\x00mail\x00', 'latin1'), 4],
    ];
    for (const [packet, code] of bad) {
      client.send(packet, server.port);
      expect(parsePacket((await client.next()).msg), packet.toString('hex')).toMatchObject({ kind: 'error', code });
    }
    client.close();
    expect((await run('curl', ['-sS', url('small.cfg')])).stdout).toBe('hello phone\n');
  });
});
