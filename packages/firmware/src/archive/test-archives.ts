/**
 * Builders of (possibly hostile) archives for the tests; not part of the SDK's exports.
 */
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import yazl from 'yazl';

/** One tar entry to write: a file by default. */
export interface TarItem {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device' | 'block-device';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
}

/** Builds a plain tar holding `items`, in order, exactly as given (no name checks). */
export async function makeTar(items: readonly TarItem[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  })();
  for (const item of items) {
    const type = item.type ?? 'file';
    const content = type === 'file' ? Buffer.from(item.content ?? '') : Buffer.alloc(0);
    await new Promise<void>((resolve, reject) => {
      const header = { name: item.name, type, mode: item.mode ?? (type === 'directory' ? 0o755 : 0o644), linkname: item.linkname };
      const callback = (err?: Error | null) => (err ? reject(err) : resolve());
      pack.entry(header, content, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Builds a gzip tar of `items`. */
export async function makeTarGz(items: readonly TarItem[]): Promise<Buffer> {
  return gzipSync(await makeTar(items));
}

/** Compresses `bytes` with a system program (`bzip2` or `xz`). */
export function compressWith(program: 'bzip2' | 'xz', bytes: Buffer): Buffer {
  return execFileSync(program, ['-c'], { input: bytes, maxBuffer: 64 * 1024 * 1024 });
}

/** One zip entry to write: a file by default; `mode` carries the Unix type bits (e.g. `0o120777` for a link). */
export interface ZipItem {
  name: string;
  content?: string | Buffer;
  directory?: boolean;
  mode?: number;
}

/**
 * Builds a zip of `items`. Names that yazl refuses (absolute, `..`) are written as same-length placeholders and
 * patched in the bytes afterwards, as a hostile tool would write them.
 */
export async function makeZip(items: readonly ZipItem[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const patches: Array<[string, string]> = [];
  items.forEach((item, i) => {
    const safe = /^\/|(^|\/)\.\.(\/|$)/.test(item.name) ? item.name.replace(/[./]/g, String.fromCharCode(97 + (i % 26))) : item.name;
    if (safe !== item.name) patches.push([safe, item.name]);
    if (item.directory) zip.addEmptyDirectory(safe);
    else zip.addBuffer(Buffer.from(item.content ?? ''), safe, item.mode === undefined ? {} : { mode: item.mode });
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  for (const [safe, hostile] of patches) {
    const from = Buffer.from(safe);
    const to = Buffer.from(hostile);
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
  }
  return bytes;
}
