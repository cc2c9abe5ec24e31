/** Recovery of the plugins folder at start: which staging folders are left by a process that is gone. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recoverPluginsFolder } from '../src/plugins/index';

let dir: TestDir;
let child: ChildProcess | undefined;
beforeEach(async () => {
  dir = await testdir({ 'plugins/acme-1/plugin-info': '{"version": "2.0.0"}' });
});
afterEach(async () => {
  child?.kill();
  child = undefined;
  await dir.cleanup();
});

/**
 * The staging folder of an upgrade of `acme-1` killed after it moved the old folder aside and before it renamed the
 * new one in (the target is missing), as `install-plugin.ts` leaves it: the journal, the old version in `old/`, the
 * new one in `new/acme-1`.
 */
async function interruptedUpgrade(pid: number): Promise<string> {
  const name = `.install-acme-1-${pid}-Ab12Cd`;
  const staging = dir.join('plugins', name);
  await mkdir(join(staging, 'old'), { recursive: true });
  await writeFile(join(staging, 'old', 'plugin-info'), '{"version": "1.0.0"}');
  await mkdir(join(staging, 'new', 'acme-1'), { recursive: true });
  await writeFile(join(staging, 'journal.json'), JSON.stringify({ version: 1, id: 'acme-1', staged: `${name}/new/acme-1`, aside: `${name}/old`, moves: [] }));
  await rm(dir.join('plugins', 'acme-1'), { recursive: true, force: true });
  return staging;
}

/** Starts a process and waits until it runs: its pid stands for a pid reused by a newer process. */
async function liveProcess(): Promise<number> {
  child = spawn('sleep', ['30'], { stdio: 'ignore' });
  await sleep(1500);
  return child.pid!;
}

const anHourAgo = (): Date => new Date(Date.now() - 3_600_000);

describe('recoverPluginsFolder', () => {
  it('recovers the staging folder of a process that is gone: the previous version is put back', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const staging = await interruptedUpgrade(dead);
    expect(await recoverPluginsFolder(dir.join('plugins'))).toEqual([{ folder: staging, id: 'acme-1', outcome: 'rolled-back' }]);
    expect(await readdir(dir.join('plugins'))).toEqual(['acme-1']);
    expect(await readFile(dir.join('plugins', 'acme-1', 'plugin-info'), 'utf8')).toBe('{"version": "1.0.0"}');
  });

  it('recovers a staging folder named after a pid that a newer process got since (pids are reused)', async () => {
    const pid = await liveProcess();
    const staging = await interruptedUpgrade(pid);
    // Last changed an hour ago, long before the process now holding that pid started: not its folder.
    await utimes(staging, anHourAgo(), anHourAgo());
    expect(await recoverPluginsFolder(dir.join('plugins'))).toEqual([{ folder: staging, id: 'acme-1', outcome: 'rolled-back' }]);
    expect(await readdir(dir.join('plugins'))).toEqual(['acme-1']);
    expect(await readFile(dir.join('plugins', 'acme-1', 'plugin-info'), 'utf8')).toBe('{"version": "1.0.0"}');
  });

  it('leaves alone the staging folder of a running process that made it', async () => {
    const pid = await liveProcess();
    // Made (last changed) now, after that process started: it may be installing.
    const staging = await interruptedUpgrade(pid);
    expect(await recoverPluginsFolder(dir.join('plugins'))).toEqual([]);
    expect(await readdir(dir.join('plugins'))).toEqual([`.install-acme-1-${pid}-Ab12Cd`]);
    expect((await readdir(staging)).sort()).toEqual(['journal.json', 'new', 'old']);
  });
});
