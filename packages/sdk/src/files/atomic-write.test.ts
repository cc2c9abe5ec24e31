import { spawn, spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { testdir, type TestDir } from '@provd/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { AtomicWriter, removeStaleTemporaries, withoutFsync, writeFileAtomic, writeFilesAtomic, type WriteMode } from './atomic-write';

/** A writer of `mode` recording the paths of the files and folders it fsyncs. */
function recordingWriter(mode: WriteMode, durability?: 'none' | 'fsync'): { writer: AtomicWriter; synced: string[] } {
  const synced: string[] = [];
  return { writer: new AtomicWriter({ mode, durability, onSync: (path) => synced.push(path) }), synced };
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

describe.each(['threads', 'event-loop', 'sync', 'hybrid'] as const)('AtomicWriter (%s)', (mode) => {
  const files = () => [
    { path: dir.join('p/a.cfg'), data: 'a' },
    { path: dir.join('p/b.xml'), data: 'b' },
  ];

  it('fsyncs every file before its rename and the folder after, by default', async () => {
    const { writer, synced } = recordingWriter(mode);
    await writer.writeFiles(files());
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(2);
    expect(synced).toContain(dir.join('p'));
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
  });

  it('with durability "none" fsyncs nothing and still replaces atomically, leaving nothing behind', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old');
    const { writer, synced } = recordingWriter(mode, 'none');
    expect(writer.durability).toBe('none');
    await writer.writeFiles(files());
    expect(synced).toEqual([]);
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
  });

  it('leaves a file whose bytes are already the new ones as it is (inode and mtime kept) and replaces the changed one', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old a');
    await writeFile(dir.join('p/b.xml'), 'b');
    const past = new Date(Date.now() - 60_000);
    await utimes(dir.join('p/b.xml'), past, past);
    const [a, b] = await Promise.all([stat(dir.join('p/a.cfg')), stat(dir.join('p/b.xml'))]);
    await new AtomicWriter({ durability: 'none', mode }).writeFiles(files());
    const [a2, b2] = await Promise.all([stat(dir.join('p/a.cfg')), stat(dir.join('p/b.xml'))]);
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
    expect(a2.ino).not.toBe(a.ino);
    expect([b2.ino, b2.mtimeMs]).toEqual([b.ino, b.mtimeMs]);
    // the same bytes in another form (a Uint8Array for a string written before) are the same file too
    await new AtomicWriter({ durability: 'none', mode }).writeFiles([{ path: dir.join('p/a.cfg'), data: new TextEncoder().encode('a') }]);
    expect((await stat(dir.join('p/a.cfg'))).ino).toBe(a2.ino);
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
  });

  it('replaces a file of the same size with other bytes, and a link holding the same bytes (never looked through)', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'z');
    await writeFile(dir.join('elsewhere'), 'b');
    await symlink(dir.join('elsewhere'), dir.join('p/b.xml'));
    await new AtomicWriter({ durability: 'none', mode }).writeFiles(files());
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
    expect((await lstat(dir.join('p/b.xml'))).isSymbolicLink()).toBe(false);
    expect(await readFile(dir.join('p/b.xml'), 'utf8')).toBe('b');
  });

  it('with fsync, fsyncs an unchanged file (its bytes may not be on disk yet) and its folder, and writes nothing', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'a');
    await writeFile(dir.join('p/b.xml'), 'b');
    const before = await Promise.all([stat(dir.join('p/a.cfg')), stat(dir.join('p/b.xml'))]);
    const { writer, synced } = recordingWriter(mode);
    await writer.writeFiles(files());
    expect(synced.sort()).toEqual([dir.join('p'), dir.join('p/a.cfg'), dir.join('p/b.xml')]);
    const after = await Promise.all([stat(dir.join('p/a.cfg')), stat(dir.join('p/b.xml'))]);
    expect(after.map((f) => f.ino)).toEqual(before.map((f) => f.ino));
  });

  it('stays all-or-nothing with an unchanged file among the files: a failed write puts the changed ones back', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/same'), 'same');
    await writeFile(dir.join('p/a.cfg'), 'old a');
    await mkdir(dir.join('p/b.xml/inner'), { recursive: true });
    const writer = new AtomicWriter({ durability: 'none', mode });
    await expect(writer.writeFiles([{ path: dir.join('p/same'), data: 'same' }, ...files()])).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('p/b.xml') });
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('old a');
    expect(await readFile(dir.join('p/same'), 'utf8')).toBe('same');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml', 'same']);
  });

  it('fsyncs nothing inside overlapping withoutFsync tasks until the last one ends, and again after them', async () => {
    const { writer, synced } = recordingWriter(mode);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const long = withoutFsync(async () => {
      await gate;
      await writer.writeFile(dir.join('o/late.txt'), 'late');
    });
    await withoutFsync(() => writer.writeFile(dir.join('o/short.txt'), 'short'));
    release();
    await long;
    expect(synced).toEqual([]);
    await writer.writeFile(dir.join('o/after.txt'), 'after');
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(1);
  });

  it('fsyncs nothing inside withoutFsync (through awaits and nested calls), and again after it', async () => {
    const { writer, synced } = recordingWriter(mode);
    const inner = async () => {
      await new Promise((r) => setTimeout(r, 1));
      await writer.writeFiles(files());
    };
    await withoutFsync(async () => {
      await Promise.all([inner(), writer.writeFile(dir.join('p/c.txt'), 'c')]);
    });
    expect(synced).toEqual([]);
    expect(await readFile(dir.join('p/b.xml'), 'utf8')).toBe('b');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml', 'c.txt']);
    await writer.writeFiles(files().map((f) => ({ ...f, data: `${f.data} again` })));
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(2);
  });

  it('treats an unknown durability as "fsync"', () => {
    expect(new AtomicWriter({ durability: 'sometimes' as 'none', mode }).durability).toBe('fsync');
  });

  it('fails with PROVD_FILE_WRITE_FAILED naming the file when a temporary file cannot be written, leaving nothing', async () => {
    await mkdir(dir.join('ro'));
    await writeFile(dir.join('ro/a.cfg'), 'old');
    const { chmod } = await import('node:fs/promises');
    await chmod(dir.join('ro'), 0o500);
    try {
      const writer = new AtomicWriter({ mode, durability: 'none' });
      const failure = writer.writeFiles([{ path: dir.join('ro/a.cfg'), data: 'new' }]);
      // root ignores the folder's mode: then the write goes through, which is what root asked for
      if (process.getuid?.() === 0) await failure;
      else await expect(failure).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('ro/a.cfg') });
    } finally {
      await chmod(dir.join('ro'), 0o700);
    }
    expect((await readdir(dir.join('ro'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('puts the very same old file back when a later rename fails, and removes its kept copy on success', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old a', { mode: 0o600 });
    const { ino } = await stat(dir.join('p/a.cfg'));
    await mkdir(dir.join('p/b.xml/inner'), { recursive: true });
    const writer = new AtomicWriter({ durability: 'none', mode });
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

  it('with fsync, puts the old file back when a later rename fails and leaves no temporary file', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old a');
    await mkdir(dir.join('p/b.xml/inner'), { recursive: true });
    const { writer, synced } = recordingWriter(mode);
    await expect(writer.writeFiles(files())).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('p/b.xml') });
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('old a');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
    expect(synced).toContain(dir.join('p'));
  });

  it('creates a folder again when it was removed after an earlier write', async () => {
    const writer = new AtomicWriter({ mode });
    await writer.writeFile(dir.join('q/r/x'), '1');
    await rm(dir.join('q'), { recursive: true });
    await writer.writeFile(dir.join('q/r/x'), '2');
    expect(await readFile(dir.join('q/r/x'), 'utf8')).toBe('2');
  });

  it('fails only the write that fails among many made at the same time', async () => {
    await mkdir(dir.join('m/7.cfg/inner'), { recursive: true });
    const writer = new AtomicWriter({ mode, durability: 'none' });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => writer.writeFile(dir.join(`m/${i}.cfg`), `cfg ${i}`)));
    expect(results.map((r) => r.status).filter((s) => s === 'rejected')).toHaveLength(1);
    expect(results[7]).toMatchObject({ status: 'rejected', reason: { code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('m/7.cfg') } });
    for (const i of [0, 6, 8, 19]) expect(await readFile(dir.join(`m/${i}.cfg`), 'utf8')).toBe(`cfg ${i}`);
    expect((await readdir(dir.join('m'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes many files into one folder at the same time, each whole and durable', async () => {
    const { writer, synced } = recordingWriter(mode);
    const many = Array.from({ length: 40 }, (_, i) => [
      { path: dir.join(`m/${i}.cfg`), data: `cfg ${i}` },
      { path: dir.join(`m/${i}.xml`), data: `xml ${i}` },
    ]);
    await Promise.all(many.map((pair) => writer.writeFiles(pair)));
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(80);
    expect(synced).toContain(dir.join('m'));
    const names = await readdir(dir.join('m'));
    expect(names).toHaveLength(80);
    for (const [i, pair] of many.entries()) expect(await readFile(pair[1]!.path, 'utf8')).toBe(`xml ${i}`);
  });
});

describe.each(['threads', 'event-loop', 'sync', 'hybrid'] as const)('AtomicWriter (%s) with a staging folder', (mode) => {
  const files = () => [
    { path: dir.join('p/a.cfg'), data: 'a' },
    { path: dir.join('p/b.xml'), data: 'b' },
  ];
  const stagingWriter = (staging: string, durability?: 'none' | 'fsync') => {
    const synced: string[] = [];
    return { writer: new AtomicWriter({ mode, durability, staging, onSync: (path) => synced.push(path) }), synced };
  };

  it('creates the temporary files in the staging folder, fsyncs it with the targets\' folder, and leaves nothing there', async () => {
    const { writer, synced } = stagingWriter(dir.join('staging'));
    await writer.writeFiles(files());
    const temps = synced.filter((p) => p.endsWith('.tmp'));
    expect(temps).toHaveLength(2);
    for (const temp of temps) expect(temp.startsWith(dir.join('staging') + '/')).toBe(true);
    expect(synced).toContain(dir.join('p'));
    expect(synced).toContain(dir.join('staging'));
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
    expect(await readdir(dir.join('staging'))).toEqual([]);
    expect(await readFile(dir.join('p/b.xml'), 'utf8')).toBe('b');
  });

  it('puts the very same old file back when a later rename fails (its kept copy staged too), leaving nothing staged', async () => {
    await mkdir(dir.join('p'));
    await writeFile(dir.join('p/a.cfg'), 'old a');
    const { ino } = await stat(dir.join('p/a.cfg'));
    await mkdir(dir.join('p/b.xml/inner'), { recursive: true });
    const { writer } = stagingWriter(dir.join('staging'), 'none');
    await expect(writer.writeFiles(files())).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('p/b.xml') });
    const restored = await stat(dir.join('p/a.cfg'));
    expect([restored.ino, restored.nlink]).toEqual([ino, 1]);
    expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('old a');
    expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
    expect(await readdir(dir.join('staging'))).toEqual([]);
  });

  it('creates a target folder again when it was removed after an earlier write into it', async () => {
    const { writer } = stagingWriter(dir.join('staging'), 'none');
    await writer.writeFile(dir.join('q/r/x'), '1');
    await rm(dir.join('q'), { recursive: true });
    await writer.writeFile(dir.join('q/r/x'), '2');
    expect(await readFile(dir.join('q/r/x'), 'utf8')).toBe('2');
    expect(await readdir(dir.join('staging'))).toEqual([]);
  });

  it('writes the temporary files beside their targets when the staging folder is on another file system', async () => {
    // /dev/shm is a tmpfs of its own: never the test folder's file system
    const elsewhere = await mkdtemp('/dev/shm/provd-staging-');
    try {
      expect((await stat(elsewhere)).dev).not.toBe((await stat(dir.path)).dev);
      const { writer, synced } = stagingWriter(join(elsewhere, 'staging'));
      await writer.writeFiles(files());
      const temps = synced.filter((p) => p.endsWith('.tmp'));
      expect(temps).toHaveLength(2);
      for (const temp of temps) expect(temp.startsWith(dir.join('p') + '/')).toBe(true);
      expect((await readdir(dir.join('p'))).sort()).toEqual(['a.cfg', 'b.xml']);
      expect(await readFile(dir.join('p/a.cfg'), 'utf8')).toBe('a');
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe.each(['event-loop', 'sync', 'hybrid'] as const)('AtomicWriter (%s) with fsync', (mode) => {
  it('fsyncs each file while it is still at its temporary name, and the folder once the targets are in place', async () => {
    const seen: string[] = [];
    const writer = new AtomicWriter({
      mode,
      onSync: (path) => {
        const target = path.endsWith('.tmp') ? dir.join('p', basename(path).replace(/^\.(.+?)\.[^.]+\.tmp$/, '$1')) : undefined;
        if (target) seen.push(`${basename(target)}: temporary ${existsSync(path)}, target ${existsSync(target)}`);
        else seen.push(`folder: ${['a.cfg', 'b.xml'].map((n) => existsSync(dir.join('p', n))).join(' ')}`);
      },
    });
    await writer.writeFiles([
      { path: dir.join('p/a.cfg'), data: 'a' },
      { path: dir.join('p/b.xml'), data: 'b' },
    ]);
    expect(seen.sort()).toEqual(['a.cfg: temporary true, target false', 'b.xml: temporary true, target false', 'folder: true true']);
  });

  it('fails with PROVD_FILE_WRITE_FAILED naming the file when its folder cannot be created, leaving the others', async () => {
    await writeFile(dir.join('blocker'), 'a file where a folder should be');
    const writer = new AtomicWriter({ mode });
    await expect(
      writer.writeFiles([
        { path: dir.join('ok/a.cfg'), data: 'a' },
        { path: dir.join('blocker/b.xml'), data: 'b' },
      ]),
    ).rejects.toMatchObject({ code: 'PROVD_FILE_WRITE_FAILED', file: dir.join('blocker/b.xml') });
    expect(await readdir(dir.join('ok'))).toEqual([]);
  });
});

describe('AtomicWriter (hybrid) with a filesystem flush', () => {
  it('makes the writes in flight durable with shared flushes: each file flushed at its temporary name before its rename', async () => {
    const snapshots: string[][] = [];
    const flush = async (folders: readonly string[]) => {
      expect(folders).toEqual([dir.join('m')]);
      snapshots.push(readdirSync(dir.join('m')));
      await new Promise((r) => setTimeout(r, 5));
    };
    const writer = new AtomicWriter({ mode: 'hybrid', flush });
    const many = Array.from({ length: 40 }, (_, i) => [
      { path: dir.join(`m/${i}.cfg`), data: `cfg ${i}` },
      { path: dir.join(`m/${i}.xml`), data: `xml ${i}` },
    ]);
    await Promise.all(many.map((pair) => writer.writeFiles(pair)));
    expect(snapshots.length).toBeGreaterThanOrEqual(2);
    expect(snapshots.length).toBeLessThanOrEqual(4);
    for (const name of many.flat().map((f) => basename(f.path))) {
      const flushedTemp = snapshots.findIndex((names) => names.some((n) => n.startsWith(`.${name}.`) && n.endsWith('.tmp')));
      const visible = snapshots.findIndex((names) => names.includes(name));
      expect(flushedTemp, name).toBeGreaterThanOrEqual(0);
      expect(visible, name).toBeGreaterThan(flushedTemp);
    }
    expect(snapshots.at(-1)?.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await readdir(dir.join('m'))).toHaveLength(80);
    for (const [i, pair] of many.entries()) expect(await readFile(pair[0]!.path, 'utf8')).toBe(`cfg ${i}`);
  });

  it('fsyncs file by file (and the folder) once a flush has failed, that write and the later ones', async () => {
    let calls = 0;
    const synced: string[] = [];
    const writer = new AtomicWriter({
      mode: 'hybrid',
      flush: async () => {
        calls++;
        throw new Error('sync -f: not supported');
      },
      onSync: (path) => synced.push(path),
    });
    await writer.writeFile(dir.join('f/a.cfg'), 'a');
    await writer.writeFile(dir.join('f/b.cfg'), 'b');
    expect(calls).toBe(1);
    expect(synced.filter((p) => p.endsWith('.tmp'))).toHaveLength(2);
    expect(synced.filter((p) => p === dir.join('f'))).toHaveLength(2);
    expect((await readdir(dir.join('f'))).sort()).toEqual(['a.cfg', 'b.cfg']);
  });

  it('is not used without fsync, in withoutFsync, or in another mode', async () => {
    let calls = 0;
    const flush = async () => {
      calls++;
    };
    await new AtomicWriter({ mode: 'hybrid', durability: 'none', flush }).writeFile(dir.join('n/a'), 'a');
    await withoutFsync(() => new AtomicWriter({ mode: 'hybrid', flush }).writeFile(dir.join('n/b'), 'b'));
    await new AtomicWriter({ mode: 'event-loop', flush }).writeFile(dir.join('n/c'), 'c');
    expect(calls).toBe(0);
    expect((await readdir(dir.join('n'))).sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('removeStaleTemporaries', () => {
  it('removes the temporary and kept files of dead writers only, recursively', async () => {
    const dir = await testdir();
    try {
      const dead = spawnSync('true').pid!.toString(36);
      const live = process.pid.toString(36);
      const files = {
        [`a/.x.cfg.${dead}-0123abcd-0.tmp`]: 't',
        [`.y.cfg.${dead}-0123abcd-1.old`]: 'o',
        // a writer thread's (the pool's names carry its thread id)
        [`.w.cfg.${dead}-0123abcd-w3-4.tmp`]: 'pool',
        [`.z.cfg.${live}-0123abcd-2.tmp`]: 'mine',
        'x.cfg.tmp': 'not a temporary name',
        'a/x.cfg': 'real',
      };
      for (const [rel, data] of Object.entries(files)) await writeFileAtomic(join(dir.path, rel), data);
      const removed = await removeStaleTemporaries(dir.path);
      expect(removed.map((p) => p.slice(dir.path.length + 1)).sort()).toEqual([`.w.cfg.${dead}-0123abcd-w3-4.tmp`, `.y.cfg.${dead}-0123abcd-1.old`, `a/.x.cfg.${dead}-0123abcd-0.tmp`].sort());
      expect((await readdir(dir.path, { recursive: true })).map(String).sort()).toEqual(['.z.cfg.' + live + '-0123abcd-2.tmp', 'a', 'a/x.cfg', 'x.cfg.tmp'].sort());
      expect(await removeStaleTemporaries(join(dir.path, 'missing'))).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  });
  it('removes the files of a dead writer whose pid a newer process now has (pids are reused), not that process\'s own', async () => {
    const dir = await testdir();
    // a process started now: files older than it cannot be its own, files written after its start may be
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const reused = child.pid!.toString(36);
      const before = join(dir.path, `.a.cfg.${reused}-0123abcd-0.tmp`);
      const after = join(dir.path, `.b.cfg.${reused}-0123abcd-1.tmp`);
      await writeFile(before, 'left by a process killed an hour ago');
      await writeFile(after, 'being written by the running process');
      const anHourAgo = new Date(Date.now() - 3_600_000);
      await utimes(before, anHourAgo, anHourAgo);
      expect(await removeStaleTemporaries(dir.path)).toEqual([before]);
      expect((await readdir(dir.path)).map(String)).toEqual([basename(after)]);
    } finally {
      child.kill();
      await dir.cleanup();
    }
  });
});
