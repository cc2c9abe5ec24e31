import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot, testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { installPlugin } from '../../src/plugins/install-plugin';
import { pluginTarball, writeRepo } from '../helpers-plugins';
import { startHostile } from './harness';

const CRASH = fileURLToPath(new URL('./fixtures/crash-at-rename.mjs', import.meta.url));
// the built command line (`pnpm test` builds first; run `pnpm --filter @provd/host build` before running this alone)
const PROVD = join(repoRoot, 'packages/host/bin/provd.js');

const dirs: TestDir[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await d.cleanup();
});

/** `provd install acme-1` (an upgrade) in a child process that is killed right before its `at`th rename under `plugins`. */
function crashingInstall(dir: TestDir, at: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', CRASH, PROVD, 'install', 'acme-1', '--repo', dir.join('repo2'), '--plugins-dir', dir.join('plugins')], {
      env: { ...process.env, PROVD_CRASH_UNDER: dir.join('plugins'), PROVD_CRASH_AT: String(at), PROVD_CRASH_LOG: dir.join('renames.log') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** A plugins folder with acme-1 1.0.0 installed, a firmware record, a device's file and an administrator's template. */
async function installedV1(): Promise<TestDir> {
  const dir = await testdir();
  dirs.push(dir);
  await writeRepo(dir.join('repo1'), [{ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version: '1.0.0' } }), version: '1.0.0' }]);
  await writeRepo(dir.join('repo2'), [{ id: 'acme-1', tarball: await pluginTarball('acme-1', { info: { version: '2.0.0' } }), version: '2.0.0' }]);
  await installPlugin('acme-1', { repo: dir.join('repo1'), pluginsDir: dir.join('plugins') });
  const plugin = dir.join('plugins', 'acme-1');
  await writeFile(join(plugin, 'var/installed/acme-fw'), '{"id":"acme-fw","version":"1.0","files":["fw.bin"]}');
  await writeFile(join(plugin, 'var/tftpboot/fw.bin'), 'firmware');
  await mkdir(join(plugin, 'var/tftpboot/Acme'), { recursive: true });
  await writeFile(join(plugin, 'var/tftpboot/Acme/000fd3054848.cfg'), 'user = alice');
  await writeFile(join(plugin, 'var/templates/000fd3054848.cfg.tpl'), 'custom');
  return dir;
}

describe('kill -9 at each rename of a plugin upgrade', () => {
  it('the next start has a whole plugin: its firmware record, device files and templates, and no staging folder', async () => {
    let crashes = 0;
    for (let at = 1; at < 20; at++) {
      const dir = await installedV1();
      const run = await crashingInstall(dir, at);
      if (run.signal === null) {
        expect(run.code, run.stderr).toBe(0); // past the last rename: the upgrade ran to its end
        break;
      }
      expect(run.signal).toBe('SIGKILL');
      crashes++;
      const h = await startHostile(dir);
      try {
        const plugin = dir.join('plugins', 'acme-1');
        const version = JSON.parse(await readFile(join(plugin, 'plugin-info'), 'utf8')).version;
        const where = `killed before rename ${at} of:\n${await readFile(dir.join('renames.log'), 'utf8')}`;
        expect(['1.0.0', '2.0.0'], where).toContain(version);
        expect(await readFile(join(plugin, 'var/installed/acme-fw'), 'utf8'), where).toContain('acme-fw');
        expect(await readFile(join(plugin, 'var/tftpboot/fw.bin'), 'utf8'), where).toBe('firmware');
        expect(await readFile(join(plugin, 'var/tftpboot/Acme/000fd3054848.cfg'), 'utf8'), where).toBe('user = alice');
        expect(await readFile(join(plugin, 'var/templates/000fd3054848.cfg.tpl'), 'utf8'), where).toBe('custom');
        expect(await readdir(dir.join('plugins')), where).toEqual(['acme-1']);
        expect([...h.host.app.plugins.loaded().keys()], where).toEqual(['acme-1']);
      } finally {
        await h.close();
      }
    }
    expect(crashes).toBeGreaterThanOrEqual(4);
  }, 120_000);
});
