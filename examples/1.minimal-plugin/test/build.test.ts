import { spawnSync } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';

// What `pnpm build-plugins minimal --out DIR` runs once the workspace is built.
const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

describe('the minimal example plugin', () => {
  it('builds into a repository with its tarball, its plugins.db entry and its DHCP class', async () => {
    dir = await testdir();
    const run = spawnSync(process.execPath, [buildBin, 'build', 'minimal', '--out', dir.join('repo'), '--json'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { plugins: { pluginId: string }[] }).plugins.map((p) => p.pluginId)).toEqual(['minimal-1.0']);
    expect((await readdir(dir.join('repo'))).sort()).toEqual(['dhcp', 'minimal-1.0-1.0.0.tar.gz', 'plugins.db']);
    const db = JSON.parse(await readFile(dir.join('repo', 'plugins.db'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(db['minimal-1.0']).toMatchObject({ version: '1.0.0', filename: 'minimal-1.0-1.0.0.tar.gz', capabilities: { 'Acme, A10, 1.0': { lines: 1 } } });
    expect(await readFile(dir.join('repo', 'dhcp', 'isc-dhcpd.conf'), 'utf8')).toContain('= "AcmePhone-"');
  });
});
