import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { isProvdError } from '@provd/sdk';
import { firmwareError } from '../errors';
import { XzMissingError } from './decompress';
import { detectArchiveFormat } from './detect-format';
import { Extraction, isSystemError } from './extraction';
import type { EntrySource } from './source';
import { tarEntries } from './tar-source';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveFormat, type ExtractedEntry, type ExtractOptions } from './types';
import { zipEntries } from './zip-source';

const HEAD_SIZE = 512;

async function readHead(source: string | Uint8Array, archive: string): Promise<Uint8Array> {
  if (typeof source !== 'string') return source.subarray(0, HEAD_SIZE);
  try {
    const handle = await open(source, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD_SIZE), 0, HEAD_SIZE, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw firmwareError('PROVD_ARCHIVE_UNREADABLE', { archive, reason: (err as Error).message }, { cause: err });
  }
}

/** Makes sure `root` is a new or empty folder; returns the top folder it created, if any, for clean-up. */
async function prepareTarget(root: string, archive: string): Promise<string | undefined> {
  const stats = await stat(root).catch(() => undefined);
  if (!stats) return (await mkdir(root, { recursive: true })) ?? root;
  if (!stats.isDirectory() || (await readdir(root)).length > 0) throw firmwareError('PROVD_ARCHIVE_TARGET_NOT_EMPTY', { archive, target: root });
  return undefined;
}

async function removeAll(root: string, created: string | undefined): Promise<void> {
  if (created !== undefined) return rm(created, { recursive: true, force: true });
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(root, name), { recursive: true, force: true })));
}

function entriesOf(source: string | Uint8Array, format: ArchiveFormat): EntrySource {
  if (format === 'zip') return zipEntries(typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength));
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]);
  return tarEntries(input, format);
}

function asProvdError(err: unknown, archive: string, entry: string | undefined): unknown {
  if (isProvdError(err) || isSystemError(err)) return err;
  if (err instanceof XzMissingError) return firmwareError('PROVD_ARCHIVE_UNREADABLE', { archive, reason: err.message }, { cause: err });
  return firmwareError('PROVD_ARCHIVE_CORRUPT', { archive, entry, reason: (err as Error).message ?? String(err) }, { cause: err });
}

/**
 * Extracts an untrusted archive (tar, plain or gzip, bzip2 or xz compressed, or zip; detected from its first bytes)
 * into `target`, a new or empty folder, and returns the entries written. It refuses absolute paths, `..`, links
 * pointing outside `target`, anything written through a link, device files and fifos, and archives over the
 * {@link ArchiveLimits}. On any error it removes everything it wrote and throws a `ProvdError` naming the
 * archive and the entry.
 *
 * @example
 * ```ts
 * const entries = await extractArchive('firmware.zip', tmpDir, { maxTotalSize: 256 * 1024 * 1024 });
 * for (const entry of entries) if (entry.type === 'file') console.log(entry.path, entry.size);
 * ```
 */
export async function extractArchive(source: string | Uint8Array, target: string, options: ExtractOptions = {}): Promise<ExtractedEntry[]> {
  const archive = options.name ?? (typeof source === 'string' ? source : 'archive');
  const format = options.format ?? detectArchiveFormat(await readHead(source, archive));
  if (format === undefined) throw firmwareError('PROVD_ARCHIVE_UNKNOWN_FORMAT', { archive });
  const limits = {
    maxEntrySize: options.maxEntrySize ?? DEFAULT_ARCHIVE_LIMITS.maxEntrySize,
    maxTotalSize: options.maxTotalSize ?? DEFAULT_ARCHIVE_LIMITS.maxTotalSize,
    maxEntries: options.maxEntries ?? DEFAULT_ARCHIVE_LIMITS.maxEntries,
  };
  const root = resolve(target);
  const created = await prepareTarget(root, archive);
  const extraction = new Extraction(root, archive, limits, options);
  let current: string | undefined;
  try {
    for await (const entry of entriesOf(source, format)) {
      current = entry.name;
      await extraction.add(entry);
    }
    return await extraction.finish();
  } catch (err) {
    await removeAll(root, created);
    throw asProvdError(err, archive, current);
  }
}
