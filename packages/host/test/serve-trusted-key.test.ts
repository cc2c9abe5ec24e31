import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../src/app/serve-host';

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
    sync: 'none',
    log: () => undefined,
  });
}

interface Answer {
  status: number;
  body: { error?: { code: string }; plugins?: unknown[] };
}

async function installable(api: number): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${api}/plugins/installable`);
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
    expect(good.body.plugins).toHaveLength(1);
  });
});
