import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, open, symlink, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isProvdError } from '@provd/sdk';
import { firmwareError } from '../errors';
import { checkEntryPath, linkTargetInside } from './entry-path';
import { resolveInside } from './resolve-link';
import type { SourceEntry } from './source';
import type { ArchiveLimits, ExtractedEntry, ExtractedEntryType, ExtractOptions } from './types';

type Kind = ExtractedEntryType | 'hardlink' | 'ignore';

const KIND_BY_TYPE: Record<string, Kind> = {
  file: 'file',
  'contiguous-file': 'file',
  directory: 'directory',
  symlink: 'symlink',
  link: 'hardlink',
  'pax-global-header': 'ignore',
};

/** Creates a new file, failing if anything (a link included) is already there. */
const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

const missing = (err: unknown): undefined => {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw err;
};

/** Tells whether an error came from the file system (kept as is) rather than from decoding the archive. */
export const isSystemError = (err: unknown): boolean => err instanceof Error && 'syscall' in err;

/**
 * Writes the entries of one untrusted archive into an empty folder, one at a time, never through a symbolic link,
 * enforcing the path rules and the size bounds; {@link Extraction.finish} then checks every link on disk.
 */
export class Extraction {
  private readonly dirs = new Set<string>(['']);
  private readonly entries = new Map<string, ExtractedEntry>();
  private count = 0;
  private total = 0;

  constructor(
    private readonly root: string,
    private readonly archive: string,
    private readonly limits: ArchiveLimits,
    private readonly options: Pick<ExtractOptions, 'strip' | 'filter' | 'linkScope'>,
  ) {}

  /** Checks one entry and writes it (unless it is ignored or filtered out). */
  async add(entry: SourceEntry): Promise<void> {
    const { archive, limits } = this;
    if (++this.count > limits.maxEntries) throw firmwareError('PROVD_ARCHIVE_TOO_MANY_ENTRIES', { archive, limit: limits.maxEntries });
    const checked = checkEntryPath(entry.name, this.options.strip ?? 0);
    if (!checked.ok) throw this.unsafe(entry.name, checked.reason);
    const { path } = checked;
    const kind = KIND_BY_TYPE[entry.type];
    if (kind === undefined) throw firmwareError('PROVD_ARCHIVE_UNSUPPORTED_ENTRY', { archive, entry: entry.name, type: entry.type });
    if (kind === 'ignore' || path === '') return;
    if (entry.size > limits.maxEntrySize) throw firmwareError('PROVD_ARCHIVE_ENTRY_TOO_LARGE', { archive, entry: entry.name, limit: limits.maxEntrySize });
    const filter = this.options.filter;
    if (filter && !filter(path, kind === 'hardlink' ? 'file' : kind)) return;
    switch (kind) {
      case 'directory':
        return this.addDirectory(path, entry);
      case 'file':
        return this.addFile(path, entry);
      case 'symlink':
        return this.addSymlink(path, entry);
      case 'hardlink':
        return this.addHardLink(path, entry);
    }
  }

  /** Checks that every extracted link resolves inside the folder, through other links too; returns the entries. */
  async finish(): Promise<ExtractedEntry[]> {
    for (const entry of this.entries.values()) {
      if (entry.type !== 'symlink') continue;
      const slash = entry.path.indexOf('/');
      const inTop = this.options.linkScope === 'top-folder' && slash > 0;
      const where = inTop ? await resolveInside(join(this.root, entry.path.slice(0, slash)), entry.path.slice(slash + 1)) : await resolveInside(this.root, entry.path);
      if (where === 'outside') throw firmwareError('PROVD_ARCHIVE_LINK_ESCAPE', { archive: this.archive, entry: entry.path, target: entry.linkTarget ?? '' });
      if (where === 'loop') throw this.unsafe(entry.path, 'its symbolic links form a loop');
    }
    return [...this.entries.values()];
  }

  private async addDirectory(path: string, entry: SourceEntry): Promise<void> {
    if (!this.dirs.has(path)) {
      await this.clear(path, entry, 'directory');
      await this.ensureDir(path, entry);
    }
    if (!this.entries.has(path)) this.entries.set(path, { path, type: 'directory', size: 0 });
  }

  private async addFile(path: string, entry: SourceEntry): Promise<void> {
    await this.prepare(path, entry);
    const mode = entry.mode & 0o111 ? 0o755 : 0o644;
    let size = 0;
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        size += chunk.length;
        this.total += chunk.length;
        callback(this.overLimit(size, entry.name), chunk);
      },
    });
    try {
      const handle = await open(join(this.root, path), WRITE_NEW, mode);
      await pipeline(await entry.data(), counter, handle.createWriteStream());
    } catch (err) {
      if (isProvdError(err) || isSystemError(err)) throw err;
      throw firmwareError('PROVD_ARCHIVE_CORRUPT', { archive: this.archive, entry: entry.name, reason: (err as Error).message }, { cause: err });
    }
    this.entries.set(path, { path, type: 'file', size });
  }

  private async addSymlink(path: string, entry: SourceEntry): Promise<void> {
    const target = entry.linkname ?? '';
    if (!linkTargetInside(path, target)) throw firmwareError('PROVD_ARCHIVE_LINK_ESCAPE', { archive: this.archive, entry: entry.name, target });
    await this.prepare(path, entry);
    await symlink(target, join(this.root, path));
    this.entries.set(path, { path, type: 'symlink', size: 0, linkTarget: target });
  }

  private async addHardLink(path: string, entry: SourceEntry): Promise<void> {
    const target = entry.linkname ?? '';
    const source = checkEntryPath(target, this.options.strip ?? 0);
    if (!source.ok || source.path === '') throw firmwareError('PROVD_ARCHIVE_LINK_ESCAPE', { archive: this.archive, entry: entry.name, target });
    const original = this.entries.get(source.path);
    if (original?.type !== 'file') throw this.unsafe(entry.name, `it is a hard link to ${JSON.stringify(target)}, which is not a file extracted before it`);
    this.total += original.size;
    const over = this.overLimit(original.size, entry.name);
    if (over) throw over;
    await this.prepare(path, entry);
    await copyFile(join(this.root, source.path), join(this.root, path), constants.COPYFILE_EXCL);
    this.entries.set(path, { path, type: 'file', size: original.size });
  }

  private overLimit(size: number, entry: string): Error | null {
    const { archive, limits } = this;
    if (size > limits.maxEntrySize) return firmwareError('PROVD_ARCHIVE_ENTRY_TOO_LARGE', { archive, entry, limit: limits.maxEntrySize });
    if (this.total > limits.maxTotalSize) return firmwareError('PROVD_ARCHIVE_TOO_LARGE', { archive, entry, limit: limits.maxTotalSize });
    return null;
  }

  /** Makes the parent folders of `path` and removes an earlier entry of the same name. */
  private async prepare(path: string, entry: SourceEntry): Promise<void> {
    const parent = posix.dirname(path);
    await this.ensureDir(parent === '.' ? '' : parent, entry);
    await this.clear(path, entry, 'other');
  }

  /** Removes what an earlier entry wrote at `path`, refusing to replace a folder by something else. */
  private async clear(path: string, entry: SourceEntry, kind: 'directory' | 'other'): Promise<void> {
    const at = join(this.root, path);
    const stats = await lstat(at).catch(missing);
    if (!stats) return;
    if (stats.isDirectory()) {
      if (kind === 'directory') return;
      throw this.unsafe(entry.name, 'it would replace a folder of the same name');
    }
    await unlink(at);
    this.entries.delete(path);
  }

  /** Creates the folder `rel` and its parents, refusing to go through anything but real folders. */
  private async ensureDir(rel: string, entry: SourceEntry): Promise<void> {
    if (this.dirs.has(rel)) return;
    let current = '';
    for (const part of rel.split('/')) {
      current = current === '' ? part : `${current}/${part}`;
      if (this.dirs.has(current)) continue;
      const at = join(this.root, current);
      const stats = await lstat(at).catch(missing);
      if (!stats) await mkdir(at, { mode: 0o755 });
      else if (stats.isSymbolicLink()) throw this.unsafe(entry.name, `its parent ${JSON.stringify(current)} is a symbolic link`);
      else if (!stats.isDirectory()) throw this.unsafe(entry.name, `its parent ${JSON.stringify(current)} is a file`);
      this.dirs.add(current);
    }
  }

  private unsafe(entry: string, reason: string): Error {
    return firmwareError('PROVD_ARCHIVE_UNSAFE_PATH', { archive: this.archive, entry, reason });
  }
}
