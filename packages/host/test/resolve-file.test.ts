import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testdir, type TestDir } from '@provd/test-utils';
import { closeServedFile, openServedFile } from '../src/files/resolve-file';

describe('openServedFile, a name in a folder that is not there', () => {
  let dir: TestDir;
  beforeEach(async () => {
    dir = await testdir({ 'root/a.cfg': 'a\n', 'outside/secret.cfg': 'secret\n' });
  });
  afterEach(() => dir.cleanup());

  it('is not found, and is served once the folder and the file appear (nothing remembered of the miss)', async () => {
    const root = dir.join('root');
    expect(await openServedFile(root, 'Digium/000fd3054848.cfg')).toEqual({ ok: false, reason: 'not-found' });
    await mkdir(dir.join('root/Digium'));
    await writeFile(dir.join('root/Digium/000fd3054848.cfg'), 'phone\n');
    const opened = await openServedFile(root, 'Digium/000fd3054848.cfg');
    expect(opened.ok).toBe(true);
    if (opened.ok) await closeServedFile(opened.file.fd);
  });

  it('still refuses a folder that is a link out of the root, and a dangling link is not found', async () => {
    const root = dir.join('root');
    await symlink(dir.join('outside'), dir.join('root/out'));
    await symlink(dir.join('nowhere'), dir.join('root/gone'));
    expect(await openServedFile(root, 'out/secret.cfg')).toEqual({ ok: false, reason: 'refused' });
    expect(await openServedFile(root, 'gone/secret.cfg')).toEqual({ ok: false, reason: 'not-found' });
  });
});
