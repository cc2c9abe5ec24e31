import { lstat, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProvdError, type ProvdErrorCode } from '@provd/sdk';
import { detectArchiveFormat, extractArchive, type ExtractOptions } from './index';
import { compressWith, makeTar, makeTarGz, makeZip, type TarItem } from './test-archives';

let dir: TestDir;
let target: string;
beforeEach(async () => {
  dir = await testdir({ 'outside/keep.txt': 'untouched' });
  target = dir.join('base', 'out');
});
afterEach(() => dir.cleanup());

/** Lists every path under the test folder, so a test sees anything written where it should not be. */
async function tree(): Promise<string[]> {
  const entries = await readdir(dir.path, { recursive: true });
  return entries.map((p) => p.split('\\').join('/')).sort();
}

async function expectRefused(source: Buffer, code: ProvdErrorCode, options: ExtractOptions = {}, entry?: string): Promise<void> {
  const before = await tree();
  const err = await extractArchive(source, target, { name: 'hostile.tar.gz', ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isProvdError(err) ? err.code : err).toBe(code);
  if (!isProvdError(err)) return;
  expect(err.file).toBe('hostile.tar.gz');
  expect(err.message).toContain('"hostile.tar.gz"');
  if (entry !== undefined) expect(err.key).toBe(entry);
  expect(await tree()).toEqual(before); // nothing written anywhere, the created target removed again
  expect(await readFile(dir.join('outside', 'keep.txt'), 'utf8')).toBe('untouched');
}

const sample: TarItem[] = [
  { name: 'top/', type: 'directory' },
  { name: 'top/a.txt', content: 'hello' },
  { name: 'top/bin/run.sh', content: '#!/bin/sh\n', mode: 0o4755 },
  { name: 'top/link', type: 'symlink', linkname: 'a.txt' },
  { name: 'top/bin/up', type: 'symlink', linkname: '../a.txt' },
  { name: 'top/hard', type: 'link', linkname: 'top/a.txt' },
];

async function expectSampleExtracted(): Promise<void> {
  expect(await readFile(join(target, 'top/a.txt'), 'utf8')).toBe('hello');
  expect(await readFile(join(target, 'top/hard'), 'utf8')).toBe('hello');
  expect(await readlink(join(target, 'top/link'))).toBe('a.txt');
  expect(await readFile(join(target, 'top/bin/up'), 'utf8')).toBe('hello');
  const mode = (await stat(join(target, 'top/bin/run.sh'))).mode;
  expect(mode & 0o111).not.toBe(0);
  expect(mode & 0o7000).toBe(0); // no setuid from an archive
}

describe('extractArchive', () => {
  it('extracts a gzip tar and lists what it wrote', async () => {
    const entries = await extractArchive(await makeTarGz(sample), target);
    expect(entries).toEqual([
      { path: 'top', type: 'directory', size: 0 },
      { path: 'top/a.txt', type: 'file', size: 5 },
      { path: 'top/bin/run.sh', type: 'file', size: 10 },
      { path: 'top/link', type: 'symlink', size: 0, linkTarget: 'a.txt' },
      { path: 'top/bin/up', type: 'symlink', size: 0, linkTarget: '../a.txt' },
      { path: 'top/hard', type: 'file', size: 5 },
    ]);
    await expectSampleExtracted();
  });

  it.each([
    ['plain tar', (tarBytes: Buffer) => tarBytes, 'tar'],
    ['bzip2 tar', (tarBytes: Buffer) => compressWith('bzip2', tarBytes), 'tar.bz2'],
    ['xz tar', (tarBytes: Buffer) => compressWith('xz', tarBytes), 'tar.xz'],
  ] as const)('detects and extracts a %s', async (_label, compress, format) => {
    const bytes = compress(await makeTar(sample));
    expect(detectArchiveFormat(bytes)).toBe(format);
    await extractArchive(bytes, target);
    await expectSampleExtracted();
  });

  it('extracts from a file path', async () => {
    await writeFile(dir.join('a.tar.gz'), await makeTarGz(sample));
    await extractArchive(dir.join('a.tar.gz'), target);
    await expectSampleExtracted();
  });

  it('extracts a zip with folders, an executable and an inner link', async () => {
    const zip = await makeZip([
      { name: 'fw/', directory: true },
      { name: 'fw/image.bin', content: Buffer.alloc(3000, 7) },
      { name: 'fw/tool', content: 'x', mode: 0o100755 },
      { name: 'fw/current', content: 'image.bin', mode: 0o120777 },
    ]);
    expect(detectArchiveFormat(zip)).toBe('zip');
    await writeFile(dir.join('fw.zip'), zip);
    const entries = await extractArchive(dir.join('fw.zip'), target);
    expect(entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['fw', 'directory', 0],
      ['fw/image.bin', 'file', 3000],
      ['fw/tool', 'file', 1],
      ['fw/current', 'symlink', 0],
    ]);
    expect((await readFile(join(target, 'fw/current'))).length).toBe(3000);
    expect((await stat(join(target, 'fw/tool'))).mode & 0o111).not.toBe(0);
  });

  it('strips leading folders and writes only the entries the filter keeps', async () => {
    const entries = await extractArchive(await makeTarGz(sample), target, {
      strip: 1,
      filter: (path, type) => type !== 'symlink' && path !== 'hard',
    });
    expect(entries.map((e) => e.path)).toEqual(['a.txt', 'bin/run.sh']);
    expect((await readdir(target)).sort()).toEqual(['a.txt', 'bin']);
  });

  it('lets a later entry of the same name replace an earlier one', async () => {
    await extractArchive(await makeTar([{ name: 'a', content: 'one' }, { name: 'a', content: 'two' }]), target);
    expect(await readFile(join(target, 'a'), 'utf8')).toBe('two');
  });

  it('extracts into an existing empty folder', async () => {
    await extractArchive(await makeTar([{ name: 'a', content: 'one' }]), dir.join('outside', '..', 'base'));
    expect(await readFile(dir.join('base', 'a'), 'utf8')).toBe('one');
  });
});

describe('extractArchive refuses hostile archives', () => {
  it('absolute paths', async () => {
    await expectRefused(await makeTarGz([{ name: 'ok', content: 'x' }, { name: '/tmp/evil', content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, '/tmp/evil');
  });

  it('paths climbing out with ".."', async () => {
    await expectRefused(await makeTarGz([{ name: 'ok/../../../evil', content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, 'ok/../../../evil');
  });

  it('symbolic links pointing outside', async () => {
    await expectRefused(await makeTarGz([{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'l');
    await expectRefused(await makeTarGz([{ name: 'a/l', type: 'symlink', linkname: '../../outside' }]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'a/l');
  });

  it('links that escape only through another link', async () => {
    const chain = [
      { name: 's', type: 'symlink', linkname: '.' },
      { name: 'x', type: 'symlink', linkname: 's/../outside' },
    ] as const;
    await expectRefused(await makeTarGz([...chain]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'x');
    await expectRefused(await makeTarGz([{ name: 'a', type: 'symlink', linkname: 'b' }, { name: 'b', type: 'symlink', linkname: 'a' }]), 'PROVD_ARCHIVE_UNSAFE_PATH');
  });

  it('writing through a link, even one pointing inside', async () => {
    const items: TarItem[] = [
      { name: 'real/', type: 'directory' },
      { name: 'alias', type: 'symlink', linkname: 'real' },
      { name: 'alias/file', content: 'x' },
    ];
    await expectRefused(await makeTarGz(items), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, 'alias/file');
  });

  it('a folder replaced by a link', async () => {
    const items: TarItem[] = [
      { name: 'd/', type: 'directory' },
      { name: 'd', type: 'symlink', linkname: '.' },
    ];
    await expectRefused(await makeTarGz(items), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, 'd');
  });

  it('hard links to outside or to nothing extracted', async () => {
    await expectRefused(await makeTarGz([{ name: 'h', type: 'link', linkname: '../../outside/keep.txt' }]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'h');
    await expectRefused(await makeTarGz([{ name: 'h', type: 'link', linkname: '/etc/passwd' }]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'h');
    await expectRefused(await makeTarGz([{ name: 'h', type: 'link', linkname: 'missing' }]), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, 'h');
  });

  it('device files and fifos', async () => {
    for (const type of ['fifo', 'character-device', 'block-device'] as const) {
      await expectRefused(await makeTarGz([{ name: 'dev', type }]), 'PROVD_ARCHIVE_UNSUPPORTED_ENTRY', {}, 'dev');
    }
  });

  it('entries, totals and counts over the bounds', async () => {
    const big = await makeTarGz([{ name: 'a', content: Buffer.alloc(2000) }]);
    await expectRefused(big, 'PROVD_ARCHIVE_ENTRY_TOO_LARGE', { maxEntrySize: 1000 }, 'a');
    const two = await makeTarGz([{ name: 'a', content: Buffer.alloc(600) }, { name: 'b', content: Buffer.alloc(600) }]);
    await expectRefused(two, 'PROVD_ARCHIVE_TOO_LARGE', { maxTotalSize: 1000 }, 'b');
    const hard = await makeTarGz([{ name: 'a', content: Buffer.alloc(600) }, { name: 'b', type: 'link', linkname: 'a' }]);
    await expectRefused(hard, 'PROVD_ARCHIVE_TOO_LARGE', { maxTotalSize: 1000 }, 'b');
    const many = await makeTarGz(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    await expectRefused(many, 'PROVD_ARCHIVE_TOO_MANY_ENTRIES', { maxEntries: 10 });
  });

  it('a zip bomb whose data exceeds the bound', async () => {
    const bomb = await makeZip([{ name: 'zeros', content: Buffer.alloc(5 * 1024 * 1024) }]);
    expect(bomb.length).toBeLessThan(100_000);
    await expectRefused(bomb, 'PROVD_ARCHIVE_ENTRY_TOO_LARGE', { maxEntrySize: 1024 * 1024 }, 'zeros');
  });

  it('truncated and damaged archives', async () => {
    const gz = await makeTarGz([{ name: 'a', content: Buffer.alloc(100_000, 1) }, { name: 'b', content: 'x' }]);
    await expectRefused(gz.subarray(0, gz.length - 200), 'PROVD_ARCHIVE_CORRUPT');
    const plain = await makeTar([{ name: 'a', content: Buffer.alloc(10_000, 1) }]);
    await expectRefused(plain.subarray(0, 5000), 'PROVD_ARCHIVE_CORRUPT');
    const xz = compressWith('xz', plain);
    await expectRefused(xz.subarray(0, xz.length - 20), 'PROVD_ARCHIVE_CORRUPT');
    const bz = compressWith('bzip2', plain);
    await expectRefused(bz.subarray(0, bz.length - 20), 'PROVD_ARCHIVE_CORRUPT');
    const zip = await makeZip([{ name: 'a', content: 'x' }]);
    await expectRefused(zip.subarray(0, zip.length - 30), 'PROVD_ARCHIVE_CORRUPT');
  });

  it('zips with absolute, climbing or escaping entries', async () => {
    await expectRefused(await makeZip([{ name: '../evil', content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, '../evil');
    await expectRefused(await makeZip([{ name: '/tmp/evil', content: 'x' }]), 'PROVD_ARCHIVE_UNSAFE_PATH', {}, '/tmp/evil');
    await expectRefused(await makeZip([{ name: 'l', content: '../../outside', mode: 0o120777 }]), 'PROVD_ARCHIVE_LINK_ESCAPE', {}, 'l');
    await expectRefused(await makeZip([{ name: 'p', content: '', mode: 0o010644 }]), 'PROVD_ARCHIVE_UNSUPPORTED_ENTRY', {}, 'p');
  });

  it('unknown formats and unreadable files', async () => {
    await expectRefused(Buffer.from('<html>not found</html>'), 'PROVD_ARCHIVE_UNKNOWN_FORMAT');
    const err = await extractArchive(dir.join('missing.tar.gz'), target).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_ARCHIVE_UNREADABLE')).toBe(true);
  });

  it('a target folder that already holds files, leaving them alone', async () => {
    const err = await extractArchive(await makeTar([{ name: 'keep.txt', content: 'evil' }]), dir.join('outside')).catch((e: unknown) => e);
    expect(isProvdError(err, 'PROVD_ARCHIVE_TARGET_NOT_EMPTY')).toBe(true);
    expect(await readFile(dir.join('outside', 'keep.txt'), 'utf8')).toBe('untouched');
    expect((await lstat(dir.join('outside'))).isDirectory()).toBe(true);
  });
});
