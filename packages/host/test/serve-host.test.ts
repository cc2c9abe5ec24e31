import { generateKeyPairSync, sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freeUdpPort, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../src/app/serve-host';
import { startSippUas } from './serve-process';

// Tests of `startHost` (what `provd serve` runs) for options that reach past the HTTP/TFTP servers: trusted
// repository keys and direct SIP synchronization.

let dir: TestDir | undefined;
let host: RunningHost | undefined;
afterEach(async () => {
  await host?.close();
  await dir?.cleanup();
  host = undefined;
  dir = undefined;
});

const INDEX = `${JSON.stringify({ 'acme-1': { version: '1.0.0', description: 'x', capabilities: {}, filename: 'acme-1-1.0.0.tar.gz', dsize: 1, sha1sum: '0'.repeat(40) } })}\n`;

/** Starts a host on free loopback ports, trusting `trusted`, with the repository folder of the test. */
async function serve(trusted: ReturnType<typeof generateKeyPairSync>['publicKey']): Promise<RunningHost> {
  return startHost({
    pluginsDir: dir!.join('plugins'),
    dataDir: dir!.join('data'),
    repo: dir!.join('repo'),
    trustedKeys: [trusted],
    httpPort: 0,
    tftpPort: 0,
    apiPort: 0,
    apiInsecureLoopback: true,
    sync: 'none',
    log: () => undefined,
  });
}

interface Answer {
  status: number;
  body: { error?: { code: string }; pkgs?: Record<string, unknown> };
}

async function installable(api: number): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${api}/0.2/pg_mgr/install/installable`);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('provd serve with trusted keys', () => {
  it('refuses an unsigned or foreign-signed repository index and accepts one signed by a trusted key', async () => {
    dir = await testdir({ 'repo/plugins.db': INDEX });
    const trusted = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519');

    host = await serve(trusted.publicKey);
    const unsigned = await installable(host.ports.api);
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.body.error?.code).toBe('PROVD_REPO_UNSIGNED');

    await writeFile(dir.join('repo', 'plugins.db.sig'), `${sign(null, Buffer.from(INDEX), other.privateKey).toString('base64')}\n`);
    const foreign = await installable(host.ports.api);
    expect(foreign.body.error?.code).toBe('PROVD_REPO_BAD_SIGNATURE');

    await writeFile(dir.join('repo', 'plugins.db.sig'), `${sign(null, Buffer.from(INDEX), trusted.privateKey).toString('base64')}\n`);
    const good = await installable(host.ports.api);
    expect(good.status).toBe(200);
    expect(Object.keys(good.body.pkgs ?? {})).toEqual(['acme-1']);
  });
});

describe('provd serve synchronizing phones straight over SIP/UDP', () => {
  it('sends check-sync by peer to the IP of the device that fetched its trigger file with that SIP user', async () => {
    dir = await testdir();
    const port = await freeUdpPort();
    const log = dir.join('sipp.log');
    const { exit: done } = await startSippUas(dir.path, port, log);
    host = await startHost({
      pluginsDir: dir.join('plugins'),
      dataDir: dir.join('data'),
      httpPort: 0,
      tftpPort: 0,
      apiPort: 0,
      sync: 'sip-udp',
      sipPort: port,
      log: () => undefined,
    });
    const device = { id: 'phone-1', mac: '00:0f:d3:05:48:48', ip: '127.0.0.1', remote_state_sip_username: 'line1user' };
    await host.app.store.put('devices', device);
    await host.app.standardSynchronize(device);
    expect(await done).toBe(0);
    const messages = await readFile(log, 'utf8');
    expect(messages).toMatch(new RegExp(`NOTIFY sip:line1user@127\\.0\\.0\\.1:${port} SIP/2\\.0`));
    expect(messages).toMatch(/^Event: check-sync\r?$/m);

    // A peer no device is known under cannot be reached: a clean error naming it, nothing sent.
    const stranger = { id: 'phone-2', remote_state_sip_username: 'nobody12345' };
    await expect(host.app.standardSynchronize(stranger)).rejects.toMatchObject({ code: 'PROVD_SYNC_FAILED' });
  });
});

describe('provd serve with the HTTP fast path off', () => {
  it('hands every request to Node\'s HTTP server with httpFastPath false, and answers the same', async () => {
    dir = await testdir({});
    const answers: string[] = [];
    for (const httpFastPath of [undefined, false]) {
      host = await startHost({ pluginsDir: dir.join('plugins'), dataDir: dir.join(`data-${String(httpFastPath)}`), httpPort: 0, tftpPort: 0, apiPort: 0, sync: 'none', log: () => undefined, ...(httpFastPath === false && { httpFastPath }) });
      expect(host.httpFastPath).toBe(httpFastPath !== false);
      const res = await fetch(`http://127.0.0.1:${host.ports.http}/Digium/000fd3054848.cfg`);
      answers.push(`${res.status} ${res.headers.get('content-type')} ${await res.text()}`);
      await host.close();
      host = undefined;
    }
    expect(answers[0]).toMatch(/^404 /);
    expect(answers[1]).toBe(answers[0]);
  });
});
