import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { isProvdError, type InstallCommand } from '@provd/sdk';
import { runFilter } from '../src/filters';
import { snapshot } from './helpers';

let dir: TestDir | undefined;
afterEach(async () => {
  await dir?.cleanup();
  dir = undefined;
});

/** Runs one step on an input tree and lists the output (files without their digests). */
async function apply(input: Record<string, string | Buffer>, command: InstallCommand, ...args: string[]): Promise<string[]> {
  dir = await testdir(Object.fromEntries(Object.entries(input).map(([k, v]) => [`in/${k}`, v])));
  await mkdir(dir.join('in'), { recursive: true });
  await mkdir(dir.join('out'));
  const staging = dir.path;
  await runFilter({
    pkg: 'p',
    step: { from: 'a', to: 'b', command, args, source: { file: 'x' }, text: `a-b: ${[command, ...args].join(' ')}` },
    input: dir.join('in'),
    output: dir.join('out'),
    placeMode: 'link',
    scratch: () => mkdtemp(join(staging, 'tmp-')),
  });
  return (await snapshot(dir.join('out'))).map((l) => l.split(' ')[0] as string);
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  return isProvdError(err) ? err.code : String(err);
}

describe('include and exclude (contract §11.15)', () => {
  it('keeps or drops entries, folders with their subtree', async () => {
    expect(await apply({ file1: '1', file2: '2' }, 'exclude', 'file1')).toEqual(['file2']);
    expect(await apply({ 'dir1/file1': '1' }, 'exclude', 'dir1/file1')).toEqual(['dir1/']);
    expect(await apply({ file1: '1', file2: '2' }, 'include', 'file1')).toEqual(['file1']);
    expect(await apply({ 'dir1/file1': '1', 'dir1/dir2/file2': '2', other: 'o' }, 'include', 'dir1')).toEqual(['dir1/', 'dir1/dir2/', 'dir1/dir2/file2', 'dir1/file1']);
    expect(await apply({ 'a.st': '1', 'b.txt': '2', 'sub/c.st': '3' }, 'include', '*.st')).toEqual(['a.st']);
  });
});

describe('cp (contract §11.15)', () => {
  it('copies one file to a file name, or matches into a folder', async () => {
    expect(await apply({ file1: '1' }, 'cp', 'file1', 'file')).toEqual(['file']);
    expect(await apply({ file1: '1', file2: '2' }, 'cp', 'file1', 'file2', 'dir/')).toEqual(['dir/', 'dir/file1', 'dir/file2']);
    expect(await apply({ 'dir1/x': '1', 'dir2/y': '2' }, 'cp', 'dir1', 'dir2', 'dir/')).toEqual(['dir/', 'dir/dir1/', 'dir/dir1/x', 'dir/dir2/', 'dir/dir2/y']);
    expect(await apply({ 'pkg/a.eff': '1', 'pkg/b.eff': '2', 'pkg/notes.txt': 'n' }, 'cp', '*/*.eff', 'Digium/firmware/')).toEqual(['Digium/', 'Digium/firmware/', 'Digium/firmware/a.eff', 'Digium/firmware/b.eff']);
  });

  it('refuses several sources for a file name, a folder for a file name, and no match', async () => {
    expect(await code(apply({ file1: '1', file2: '2' }, 'cp', 'file1', 'file2', 'file'))).toBe('PROVD_FETCHFW_STEP_FAILED');
    expect(await code(apply({ 'dir1/x': '1' }, 'cp', 'dir1', 'file1'))).toBe('PROVD_FETCHFW_STEP_FAILED');
    expect(await code(apply({ file1: '1' }, 'cp', '*.rom', 'fw/'))).toBe('PROVD_FETCHFW_NO_MATCH');
  });
});

describe('unsign', () => {
  it('keeps what follows the gzip magic within the first 512 bytes', async () => {
    const gz = gzipSync('payload');
    expect(await apply({ 'fw.sgn': Buffer.concat([Buffer.from('SIGNATURE'.repeat(10)), gz]) }, 'unsign', '*.sgn', 'f.tgz')).toEqual(['f.tgz']);
    expect(await code(apply({ 'fw.sgn': Buffer.alloc(600, 0x41) }, 'unsign', '*.sgn', 'f.tgz'))).toBe('PROVD_FETCHFW_STEP_FAILED');
  });
});

describe('7z through the system program', () => {
  it('extracts (flattening folders) with 7z', async () => {
    const src = await testdir({ 'fw/datsip4018': 'x', 'fw/sub/lang.txt': 'y' });
    try {
      execFileSync('7z', ['a', '-bd', src.join('fw.7z'), 'fw'], { cwd: src.path, stdio: 'ignore' });
      const out = await apply({ 'fw.7z': await readFile(src.join('fw.7z')) }, '7z', '*.7z');
      expect(out.filter((p) => !p.endsWith('/'))).toEqual(['datsip4018', 'lang.txt']);
    } finally {
      await src.cleanup();
    }
  });

  it('names the Debian package when the program is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await apply({ 'fw.rar': 'Rar!' }, 'unrar', '*.rar').then(() => undefined, (e: unknown) => e);
      expect(isProvdError(err, 'PROVD_FETCHFW_TOOL_MISSING')).toBe(true);
      expect((err as Error).message).toContain('install the Debian package "unrar"');
    } finally {
      process.env.PATH = path;
    }
  });
});

it('refuses a cp destination outside the output folder even when the manifest check was bypassed', async () => {
  expect(await code(apply({ file1: '1' }, 'cp', 'file1', '../escape'))).toBe('PROVD_FETCHFW_STEP_FAILED');
});
