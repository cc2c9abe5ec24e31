import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { testdir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { TftpServer, tftpFileReply } from '../src/tftp/index';
import { nativeSenderStatus } from '../src/tftp/native-sender';
import { run, setEnvForFile } from './serve-helpers';

// The tests of tftp-server.test.ts and tftp-window-concurrency.test.ts again, every file transfer (octet) sent by the
// native data loop (native/tftp_sender.c, built at install): PROVD_TFTP_NATIVE=always makes 0 the servers' default
// nativeMinBytes.
setEnvForFile('PROVD_TFTP_NATIVE', 'always');

describe('the native TFTP data loop', () => {
  it('is built, loads, and sends the files of a server created with the defaults', async () => {
    expect(nativeSenderStatus()).toEqual({ available: true });
    const dir = await testdir({});
    const bytes = randomBytes(100_000);
    await writeFile(dir.join('f.bin'), bytes);
    const server = new TftpServer({ port: 0, handler: (req) => tftpFileReply(dir.path, req.filename) });
    await server.start();
    try {
      const out = dir.join('got.bin');
      await run('curl', ['-sS', '--tftp-blksize', '1468', '-o', out, `tftp://127.0.0.1:${server.port}/f.bin`]);
      expect((await readFile(out)).equals(bytes)).toBe(true);
      expect(server.nativeTransfers).toBe(1);
    } finally {
      await server.close();
      await dir.cleanup();
    }
  });
});

await import('./tftp-server.test');
await import('./tftp-window-concurrency.test');
