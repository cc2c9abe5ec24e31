import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

/** The modification time written for every entry (tarballs and zips): 2000-01-01T00:00:00Z. */
export const FIXED_MTIME: Date = new Date(Date.UTC(2000, 0, 1));

/** One entry of a deterministic tarball. */
export interface TarEntry {
  /** Path inside the archive, `/`-separated, without a trailing slash. */
  path: string;
  /** A folder, or a file with its contents (bytes, or an absolute path read when packed). */
  type: 'dir' | 'file';
  /** For files: the contents or the absolute path of the file holding them. */
  source?: string | Uint8Array;
  /** For files: packed with mode 0755 instead of 0644. */
  executable?: boolean;
}

/** The size and digests of a written file. */
export interface FileDigest {
  /** Size in bytes. */
  size: number;
  /** Hex SHA-1. */
  sha1: string;
  /** Hex SHA-256. */
  sha256: string;
}

/** Sets the gzip header's OS byte to 3 (Unix), which zlib otherwise sets from the platform it was compiled for. */
class GzipOsByte extends Transform {
  private seen = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.seen <= 9 && this.seen + chunk.length > 9) {
      chunk = Buffer.from(chunk);
      chunk[9 - this.seen] = 3;
    }
    this.seen += chunk.length;
    done(null, chunk);
  }
}

/** Passes bytes through while measuring their size and digests. */
export class DigestTap extends Transform {
  private readonly sha1 = createHash('sha1');
  private readonly sha256 = createHash('sha256');
  private size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.sha1.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  /** The digest of everything that went through. */
  digest(): FileDigest {
    return { size: this.size, sha1: this.sha1.digest('hex'), sha256: this.sha256.digest('hex') };
  }
}

/**
 * Writes a gzip tarball whose bytes depend only on the entries: sorted paths, fixed mtime, uid/gid 0 with owner
 * names `root`, modes 0755/0644, and a gzip header without time stamp and with a fixed OS byte.
 *
 * @example
 * ```ts
 * const digest = await writeDeterministicTarGz('/out/x-1.0.tar.gz', [{ path: 'x', type: 'dir' }]);
 * ```
 */
export async function writeDeterministicTarGz(file: string, entries: readonly TarEntry[]): Promise<FileDigest> {
  const sorted = [...entries].sort((a, b) => compareTarPaths(entryName(a), entryName(b)));
  const tar = pack();
  const tap = new DigestTap();
  const written = pipeline(tar, createGzip({ level: 9 }), new GzipOsByte(), tap, createWriteStream(file, { flags: 'wx' }));
  const common = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  try {
    for (const entry of sorted) {
      if (entry.type === 'dir') {
        await addEntry(tar, { ...common, name: entryName(entry), type: 'directory', mode: 0o755 });
      } else {
        const data = typeof entry.source === 'string' ? await readFile(entry.source) : Buffer.from(entry.source ?? new Uint8Array());
        await addEntry(tar, { ...common, name: entry.path, type: 'file', mode: entry.executable ? 0o755 : 0o644, size: data.length }, data);
      }
    }
    tar.finalize();
  } catch (err) {
    tar.destroy(err as Error);
    await written.catch(() => undefined);
    throw err;
  }
  await written;
  return tap.digest();
}

function addEntry(tar: ReturnType<typeof pack>, header: Parameters<ReturnType<typeof pack>['entry']>[0], data?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry(header, data ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
  });
}

function entryName(entry: TarEntry): string {
  return entry.type === 'dir' ? `${entry.path}/` : entry.path;
}

/** Orders paths by their UTF-8 bytes, so every platform sorts alike. */
export function compareTarPaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
