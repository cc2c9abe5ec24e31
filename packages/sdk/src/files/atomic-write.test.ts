import { mkdir, open, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AtomicWriter, writeFileAtomic, writeFilesAtomic } from './atomic-write';

/** Runs `task` and returns the paths of the files and folders fsynced meanwhile (through FileHandle.sync). */
async function fsyncedDuring(task: () => Promise<void>): Promise<string[]> {
  const probe = await open(dir.path, 'r');
  const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
  await probe.close();
  const synced: string[] = [];
  const original = proto.sync;
  const spy = vi.spyOn(proto, 'sync').mockImplementation(async function (this: { fd: number }) {
    synced.push(await readlink(`/proc/self/fd/${this.fd}`));
    return original.call(this);
  });
  try {
    await task();
  } finally {
    spy.mockRestore();
  }
  return synced;
}

let dir: TestDir;
beforeEach(async () => {
  dir = await testdir();
});
afterEach(() => dir.cleanup());

describe('writeFileAtomic', () => {
  it('creates the folder and writes strings as UTF-8 and bytes as they are', async () => {
    await writeFileAtomic(dir.join('a/b/c.txt'), 'é');
    await writeFileAtomic(dir.join('a/b/d.bin'), new Uint8Array([0xff, 0]));
    expect([...(await readFile(dir.join('a/b/c.txt')))]).toEqual([0xc3, 0xa9]);
    expect([...(await readFile(dir.join('a/b/d.bin')))]).toEqual([0xff, 0]);
    expect((await readdir(dir.join('a/b'))).sort()).toEqual(['c.txt', 'd.bin']);
  });

  it('replaces an existing file', async () => {
    await writeFile(dir.join('f'), 'old');
    await writeFileAtomic(dir.join('f'), 'new');
    expect(await readFile(dir.join('f'), 'utf8')).toBe('new');
    expect(await readdir(dir.path)).toEqual(['f']);
  });

  it('fails with PROVD_FILE_WRITE_FAILED and leaves nothing when the target cannot be replaced', async () => {
    await mkdir(dir.join('taken/inner'), { recursive: true });
    await expect(writeFileAtomic(dir.join('taken'), 'x')).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('taken') });
    expect(await readdir(dir.path)).toEqual(['taken']);
  });
});

describe('writeFilesAtomic', () => {
  it('puts back the files already replaced when a later one fails', async () => {
    await writeFile(dir.join('a'), 'old a');
    await mkdir(dir.join('b/inner'), { recursive: true });
    await expect(
      writeFilesAtomic([
        { path: dir.join('a'), data: 'new a' },
        { path: dir.join('new'), data: 'created' },
        { path: dir.join('b'), data: 'new b' },
      ]),
    ).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('b') });
    expect(await readFile(dir.join('a'), 'utf8')).toBe('old a');
    expect((await readdir(dir.path)).sort()).toEqual(['a', 'b']);
  });

  it('refuses the same file twice', async () => {
    await expect(writeFilesAtomic([{ path: dir.join('x'), data: '1' }, { path: dir.join('.', 'x'), data: '2' }])).rejects.toMatchObject({
      code: 'PROVD_FILE_WRITE_FAILED',
    });
    expect(await readdir(dir.path)).toEqual([]);
  });
});

describe('AtomicWriter', () => {
  const files = () => [
    { path: dir.join('p/a.cfg'), data: 'a' },
    { path: dir.join('p/b.xml'), data: 'b' },
  ];

  it('fsyncs every file before its rename and the folder after, by default', async () => {
    const synced = await fsyncedDuring(() => new AtomicWriter().writeFiles(files()));
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(2);
    expect(synced).toContain(dir.join('p'));
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
  });

  it('with durability "none" fsyncs nothing and still replaces atomically, leaving nothing behind', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old');
    const writer = new AtomicWriter({ durability: 'none' });
    expect(writer.durability).toBe('none');
    expect(await fsyncedDuring(() => writer.writeFiles(files()))).toEqual([]);
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
  });

  it('treats an unknown durability as "fsync"', () => {
    expect(new AtomicWriter({ durability: 'sometimes' as 'none' }).durability).toBe('fsync');
  });

  it('puts the very same old file back when a later rename fails, and removes its kept copy on success', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old a', { mode: 0o600 });
    const { ino } = await stat(dir.join('p/a.cfg'));
    await mkdir(dir.join('p/b.xml/inner'), { recursive: true });
    const writer = new AtomicWriter({ durability: 'none' });
    await expect(writer.writeFiles(files())).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('p/b.xml') });
    const restored = await stat(dir.join('p/a.cfg'));
    expect([restored.ino, restored.mode & 0o777, restored.nlink]).toEqual([ino, 0o600, 1]);
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('old a');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);

    await rm(dir.join('p/b.xml'), { recursive: true });
    await writer.writeFiles(files());
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
    expect((await stat(dir.join('p/a.cfg'))).nlink).toBe(1);
  });

  it('creates a folder again when it was removed after an earlier write', async () => {
    const writer = new AtomicWriter();
    await writer.writeFile(dir.join('q/r/x'), '1');
    await rm(dir.join('q'), { recursive: true });
    await writer.writeFile(dir.join('q/r/x'), '2');
    expect(await readFile(dir.join('q/r/x'), 'utf8')).toBe('2');
  });

  it('writes many files into one folder at the same time, each whole and durable', async () => {
    const writer = new AtomicWriter();
    const many = Array.from({ length: 40 }, (_, i) => [
      { path: dir.join(`m/${i}.cfg`), data: `cfg ${i}` },
      { path: dir.join(`m/${i}.xml`), data: `xml ${i}` },
    ]);
    const synced = await fsyncedDuring(async () => {
      await Promise.all(many.map((pair) => writer.writeFiles(pair)));
    });
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(80);
    expect(synced).toContain(dir.join('m'));
    const names = await readdir(dir.join('m'));
    expect(names).toHaveLength(80);
    for (const [i, pair] of many.entries()) expect(await readFile(pair[1]!.path, 'utf8')).toBe(`xml ${i}`);
  });
});
