import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TemplateFiles } from './template-files';

let dir: TestDir;
let files: TemplateFiles;

beforeEach(async () => {
  dir = await testdir({ 'templates/base.tpl': 'base', 'templates/D40.tpl': 'd40', 'templates/sub/x.tpl': 'x' });
  files = new TemplateFiles([dir.join('var/templates'), dir.join('templates')]);
});
afterEach(async () => {
  files.close();
  await dir.cleanup();
});

/** Waits until `check` holds (the folder watch reports changes asynchronously), at most 2 s. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('TemplateFiles: look-ups from a watched listing', () => {
  it('answers repeated look-ups from memory, without looking at the files again', () => {
    const first = files.find('base.tpl');
    expect(first?.path).toBe(dir.join('templates/base.tpl'));
    expect(files.find('base.tpl')).toBe(first); // the same object: no new stat
    expect(files.find('sub/x.tpl')?.index).toBe(1);
    expect(files.find('missing.tpl')).toBeUndefined();
    expect(files.watching).toBe(true);
    expect(files.list()).toEqual(['D40.tpl', 'base.tpl', 'sub/x.tpl']);
  });

  it('uses a template dropped into the custom folder, or removed from it, at the very next look-up', async () => {
    await mkdir(dir.join('var/templates'), { recursive: true });
    expect(files.find('D40.tpl')?.index).toBe(1);
    await writeFile(dir.join('var/templates/D40.tpl'), 'custom');
    await Promise.resolve(); // a new run of look-ups (one check of the folders per synchronous run)
    expect(files.find('D40.tpl')?.index).toBe(0);
    await rm(dir.join('var/templates/D40.tpl'));
    await Promise.resolve();
    expect(files.find('D40.tpl')?.index).toBe(1);
  });

  it('sees a custom folder created later and a template dropped into it, then its removal', async () => {
    expect(files.find('base.tpl')?.index).toBe(1);
    await mkdir(dir.join('var/templates'), { recursive: true });
    await writeFile(dir.join('var/templates/base.tpl'), 'custom');
    await until(() => files.find('base.tpl')?.index === 0);
    expect(files.find('base.tpl')?.path).toBe(dir.join('var/templates/base.tpl'));
    await rm(dir.join('var/templates/base.tpl'));
    await until(() => files.find('base.tpl')?.index === 1);
    expect(files.find('base.tpl')?.index).toBe(1);
  });

  it('sees an edit (new metadata), a rename and a folder removed and created again', async () => {
    await mkdir(dir.join('var/templates'), { recursive: true });
    const before = files.find('D40.tpl');
    await writeFile(dir.join('templates/D40.tpl'), 'd40 edited, longer');
    await until(() => files.find('D40.tpl') !== before);
    expect(files.find('D40.tpl')?.stats.size).toBe('d40 edited, longer'.length);
    await rename(dir.join('templates/D40.tpl'), dir.join('templates/D45.tpl'));
    await until(() => files.find('D40.tpl') === undefined);
    expect(files.find('D45.tpl')).toBeDefined();
    await rm(dir.join('var/templates'), { recursive: true });
    await until(() => files.list().length === 3);
    await mkdir(dir.join('var/templates'));
    await writeFile(dir.join('var/templates/D45.tpl'), 'again');
    await until(() => files.find('D45.tpl')?.index === 0);
    expect(files.find('D45.tpl')?.index).toBe(0);
  });
});
