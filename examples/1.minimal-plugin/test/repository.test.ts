import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The build tool signs and bundles; the host verifies and installs: both through their command lines.
const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
const provdBin = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');

function run(bin: string, args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let dir: TestDir;
beforeAll(async () => {
  dir = await testdir();
  expect(run(buildBin, ['keygen', 'key'], dir.path).status).toBe(0);
  const built = run(buildBin, ['build', 'minimal', '--root', repoRoot, '--out', 'repo', '--sign', 'key.pem', '--bundle', 'offline.zip'], dir.path);
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
});
afterAll(() => dir.cleanup());

describe('a signed repository of the minimal example', () => {
  it('is installed by a host that trusts the public key', () => {
    const r = run(provdBin, ['install', 'minimal-1.0', '--repo', 'repo', '--plugins-dir', 'plugins', '--trusted-key', 'key.pub.pem', '--json'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 'minimal-1.0', version: '1.0.0' });
  });

  it('is refused by that host once re-signed with another key', async () => {
    const copy = await testdir();
    try {
      for (const name of await readdir(dir.join('repo'))) {
        if (name.endsWith('.tar.gz') || name === 'plugins.db') await writeFile(copy.join(name), await readFile(dir.join('repo', name)));
      }
      expect(run(buildBin, ['keygen', 'other'], copy.path).status).toBe(0);
      expect(run(buildBin, ['reindex', '.', '--sign', 'other.pem'], copy.path).status).toBe(0);
      const r = run(provdBin, ['install', 'minimal-1.0', '--repo', copy.path, '--plugins-dir', 'refused', '--trusted-key', dir.join('key.pub.pem')], dir.path);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^provd: PROVD_REPO_BAD_SIGNATURE: /);
    } finally {
      await copy.cleanup();
    }
  });

  it('installs from its offline bundle, unpacked by a stock unzip tool', async () => {
    const unpack = spawnSync('7z', ['x', '-bd', '-y', `-o${dir.join('unpacked')}`, dir.join('offline.zip')], { encoding: 'utf8' });
    expect(unpack.status).toBe(0);
    expect((await readdir(dir.join('unpacked'))).sort()).toEqual(['SHA256SUMS', 'dhcp', 'minimal-1.0-1.0.0.tar.gz', 'plugins.db', 'plugins.db.sig']);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir.join('unpacked'), encoding: 'utf8' });
    expect(sums.status).toBe(0);
    const r = run(provdBin, ['install', 'minimal-1.0', '--repo', 'unpacked', '--plugins-dir', 'offline-plugins', '--trusted-key', 'key.pub.pem', '--json'], dir.path);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
