// Filesystem flushes of background batches (`sync -f`) through one kept helper shell: the host process is forked once,
// not for every flush.
import { readFileSync, readdirSync } from 'node:fs';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemFlusher } from '../src/reconfigure/filesystem-flusher';

/** The `sh` processes this process started (children of any of its threads). */
function shChildren(): number[] {
  const pids = readdirSync('/proc/self/task').flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sh';
    } catch {
      return false;
    }
  });
}

let dir: TestDir;
let flusher: FilesystemFlusher;
beforeEach(async () => {
  dir = await testdir();
  flusher = new FilesystemFlusher();
});
afterEach(async () => {
  flusher.close();
  await dir.cleanup();
});

describe('filesystem flusher', () => {
  it('flushes folders through one helper it keeps, telling a folder that cannot be flushed', async () => {
    const before = shChildren();
    expect(await flusher.flush([dir.path])).toBeUndefined();
    const helpers = shChildren().filter((pid) => !before.includes(pid));
    expect(helpers).toHaveLength(1);
    expect(await flusher.flush([dir.path, dir.path])).toBeUndefined();
    const failed = await flusher.flush([dir.join('nowhere')]);
    expect(failed?.message).toContain(dir.join('nowhere'));
    expect(await flusher.flush([dir.path])).toBeUndefined();
    expect(shChildren().filter((pid) => !before.includes(pid))).toEqual(helpers);
  });

  it('starts another helper when its helper is gone, refuses a folder name with a line break, and nothing once closed', async () => {
    const before = shChildren();
    await flusher.flush([dir.path]);
    const [helper] = shChildren().filter((pid) => !before.includes(pid));
    process.kill(helper!, 'SIGKILL');
    for (let i = 0; i < 100 && shChildren().includes(helper!); i++) await new Promise((r) => setTimeout(r, 10));
    expect(await flusher.flush([dir.path])).toBeUndefined();
    expect((await flusher.flush([`${dir.path}\nx`]))?.message).toMatch(/line break/);
    flusher.close();
    expect((await flusher.flush([dir.path]))?.message).toMatch(/closed/);
    for (let i = 0; i < 100 && shChildren().some((pid) => !before.includes(pid)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(shChildren().filter((pid) => !before.includes(pid))).toEqual([]);
  });
});
