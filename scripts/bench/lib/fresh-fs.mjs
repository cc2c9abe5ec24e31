// A fresh ext4 file system on a loop device, for one run of a benchmark that writes many files: on this machine's
// `/` (ext4 without a journal), how fast files are created depends on what was deleted in the last minutes (the inode
// allocator skips every inode freed in the last 60 s, or 300 s while its inode table block is dirty, one buffer
// look-up each), so the figures of a run depended on the runs before it, the anchor's as much as the host's (a
// provd render anchor at 1,367 devices/s in one run, 4,446 in the next). On a file system of its own, made with the
// features of the one it replaces (a journal or not), every run starts from the same state.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { exec } from './exec.mjs';

/** The device and type of the file system holding `path`. */
async function filesystemOf(path) {
  const [source, type] = (await exec('findmnt', ['-n', '-o', 'SOURCE,FSTYPE', '--target', path])).trim().split(/\s+/);
  return { source, type };
}

/**
 * Whether the ext4 file system on `source` has a journal (`undefined`: cannot tell): from the kernel's
 * `/sys/fs/ext4/<device>/journal_task` (its journal thread's pid, or `<none>`), readable where the device itself is
 * not (a container: `dumpe2fs` gets "Operation not permitted"), else from `dumpe2fs -h`.
 */
async function hasJournal(source) {
  const task = await readFile(`/sys/fs/ext4/${basename(source)}/journal_task`, 'utf8').catch(() => undefined);
  if (task !== undefined) return task.trim() !== '<none>';
  try {
    const header = await exec('dumpe2fs', ['-h', source]);
    const features = /^Filesystem features:\s*(.*)$/m.exec(header)?.[1] ?? '';
    return features.split(/\s+/).includes('has_journal');
  } catch {
    return undefined;
  }
}

/**
 * Makes and mounts a fresh ext4 file system for a run writing about `files` files, in a sparse image beside
 * `tmpdir()`, with the journal setting of the file system holding `tmpdir()`; resolves to `{ dir, describe, remove }`
 * (`remove` unmounts it and deletes the image), or to `{ reason }` when it cannot (not root, no `mkfs.ext4`).
 */
export async function freshFilesystem(files) {
  if (process.getuid?.() !== 0) return { reason: 'not root (a loop device needs root)' };
  const where = await filesystemOf(tmpdir()).catch(() => undefined);
  // ext4's default (a journal) unless the file system it stands for is an ext4 known to have none
  const journal = where?.type === 'ext4' ? ((await hasJournal(where.source)) ?? true) : true;
  const home = await mkdtemp(join(tmpdir(), 'provd-bench-fs-'));
  const image = join(home, 'fs.img');
  const dir = join(home, 'mnt');
  // a small file takes a 4 KiB block and an inode: room for all of them, and inode tables written at once (no
  // lazy-init thread writing them in the background while the run is timed)
  const inodes = Math.max(1_000_000, files * 2);
  const bytes = Math.max(2 ** 31, files * 12 * 1024 + inodes * 256);
  try {
    await exec('truncate', ['-s', String(bytes), image]);
    await exec('mkfs.ext4', ['-q', '-F', '-N', String(inodes), '-E', 'lazy_itable_init=0,lazy_journal_init=0', ...(journal ? [] : ['-O', '^has_journal']), image]);
    await mkdir(dir);
    await exec('mount', ['-o', 'loop', image, dir]);
  } catch (err) {
    await rm(home, { recursive: true, force: true });
    return { reason: `cannot make one: ${err.message.split('\n')[0]}` };
  }
  return {
    dir,
    describe: `a fresh ext4 ${journal ? 'with' : 'without'} a journal (as ${where?.source ?? tmpdir()}), ${Math.round(bytes / 2 ** 30)} GiB, ${inodes} inodes, on a loop device`,
    remove: async () => {
      await exec('umount', [dir]).catch(() => exec('umount', ['-l', dir]));
      await rm(home, { recursive: true, force: true });
    },
  };
}
