import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { testdir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { TftpServer, tftpFileReply } from '../src/tftp/index';
import { nativeSenderStatus } from '../src/tftp/native-sender';
import { run, setEnvForFile } from './serve-helpers';

// Without the native data loop (here turned off, as when it was not built or fails to load) the JavaScript loop
// sends every file, and the server says so once.
setEnvForFile('PROVD_TFTP_NATIVE', '0');

describe('TFTP without the native data loop', () => {
  it('sends big files with the JavaScript loop and logs once that the native one is not available', async () => {
    expect(nativeSenderStatus()).toEqual({ available: false, reason: 'turned off by PROVD_TFTP_NATIVE=0' });
    const dir = await testdir({});
    const bytes = randomBytes(300_000);
    await writeFile(dir.join('f.bin'), bytes);
    const lines: string[] = [];
    const server = new TftpServer({ port: 0, nativeMinBytes: 0, log: (line) => lines.push(line), handler: (req) => tftpFileReply(dir.path, req.filename) });
    await server.start();
    try {
      for (const name of ['a.bin', 'b.bin']) {
        await run('curl', ['-sS', '--tftp-blksize', '1468', '-o', dir.join(name), `tftp://127.0.0.1:${server.port}/f.bin`]);
        expect((await readFile(dir.join(name))).equals(bytes)).toBe(true);
      }
      expect(server.nativeTransfers).toBe(0);
      expect(lines).toEqual(['tftp: the native data loop is not available (turned off by PROVD_TFTP_NATIVE=0): big files are sent by the JavaScript loop']);
    } finally {
      await server.close();
      await dir.cleanup();
    }
  });
});
