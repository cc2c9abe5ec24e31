import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveChangedFiles, snapshotFiles } from '../src/render/collect-files';

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir({ 'work/static/logo.png': 'logo', 'work/Shared/common.cfg': 'common', 'work/empty/.keep': '' });
});
afterEach(() => dir.cleanup());

/** Writes the files a configure would, after the snapshot. */
async function configure(files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dir.join('work', rel, '..'), { recursive: true });
    await writeFile(dir.join('work', rel), text);
  }
}

describe('moveChangedFiles', () => {
  it('moves only new and changed files, a folder new to the output in one piece, and leaves the rest', async () => {
    const before = await snapshotFiles(dir.join('work'));
    await configure({ 'Acme/a.cfg': 'a', 'Acme/sub/b.xml': 'b', 'Shared/dev.cfg': 'dev', 'top.cfg': 'top' });
    await mkdir(dir.join('work/Acme/unused'));
    await mkdir(dir.join('work/New/only-empty'), { recursive: true });
    await configure({ 'New/x.cfg': 'x' });

    const moved = await moveChangedFiles(dir.join('work'), before, dir.join('out'));
    expect(moved).toEqual(['Acme/a.cfg', 'Acme/sub/b.xml', 'New/x.cfg', 'Shared/dev.cfg', 'top.cfg']);
    expect((await readdir(dir.join('out'), { recursive: true })).sort()).toEqual([
      'Acme',
      'Acme/a.cfg',
      'Acme/sub',
      'Acme/sub/b.xml',
      'New',
      'New/x.cfg',
      'Shared',
      'Shared/dev.cfg',
      'top.cfg',
    ]);
    expect(await readFile(dir.join('out/Acme/sub/b.xml'), 'utf8')).toBe('b');
    // What was there before, and folders without a written file, stay in the working copy.
    expect((await readdir(dir.join('work'), { recursive: true })).sort()).toEqual([
      'Acme',
      'Acme/unused',
      'New',
      'New/only-empty',
      'Shared',
      'Shared/common.cfg',
      'empty',
      'empty/.keep',
      'static',
      'static/logo.png',
    ]);
  });

  it('adds the files to folders the output already has, keeping the files there', async () => {
    await mkdir(dir.join('out/Acme'), { recursive: true });
    await writeFile(dir.join('out/Acme/old.cfg'), 'old');
    const before = await snapshotFiles(dir.join('work'));
    await configure({ 'Acme/a.cfg': 'a', 'Acme/b.cfg': 'b' });
    expect(await moveChangedFiles(dir.join('work'), before, dir.join('out'))).toEqual(['Acme/a.cfg', 'Acme/b.cfg']);
    expect((await readdir(dir.join('out/Acme'))).sort()).toEqual(['a.cfg', 'b.cfg', 'old.cfg']);
    expect(await readdir(dir.join('work/Acme'))).toEqual([]);
  });

  it('moves a file rewritten since the snapshot', async () => {
    const before = await snapshotFiles(dir.join('work'));
    await writeFile(dir.join('work/static/logo.png'), 'a new logo');
    expect(await moveChangedFiles(dir.join('work'), before, dir.join('out'))).toEqual(['static/logo.png']);
    expect(await readFile(dir.join('out/static/logo.png'), 'utf8')).toBe('a new logo');
    expect(await readdir(dir.join('out'))).toEqual(['static']);
  });
});
