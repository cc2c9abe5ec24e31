import { close, read } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Where the bytes of one transfer come from. */
export interface BlockSource {
  /** The number of bytes the transfer sends. */
  readonly size: number;
  /** Reads up to `length` bytes at `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the source. */
  close(): Promise<void>;
}

/** A source over bytes in memory. */
export function bufferSource(data: Uint8Array): BlockSource {
  return {
    size: data.length,
    read: async (offset, length) => data.subarray(offset, Math.min(offset + length, data.length)),
    close: async () => {},
  };
}

/**
 * Opens `path` as a source. The file handle is kept open for the whole transfer, so a file replaced by an atomic
 * rename meanwhile is still sent whole, in its old version.
 */
export async function fileSource(path: string): Promise<BlockSource> {
  const handle: FileHandle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    return {
      size,
      async read(offset, length) {
        const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
        let done = 0;
        while (done < buffer.length) {
          const { bytesRead } = await handle.read(buffer, done, buffer.length - done, offset + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return buffer.subarray(0, done);
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** A source over an open file descriptor of `size` bytes (closed with the source). */
export function fdSource(fd: number, size: number): BlockSource {
  return {
    size,
    read: (offset, length) =>
      new Promise((resolve, reject) => {
        const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(length, size - offset)));
        const step = (done: number) => {
          if (done >= buffer.length) return resolve(buffer);
          read(fd, buffer, done, buffer.length - done, offset + done, (err, n) => {
            if (err) reject(err);
            else if (n === 0) resolve(buffer.subarray(0, done));
            else step(done + n);
          });
        };
        step(0);
      }),
    close: () => new Promise<void>((resolve) => close(fd, () => resolve())),
  };
}

/** Converts bytes to netascii (RFC 764): LF becomes CR LF and a bare CR becomes CR NUL. */
export function toNetascii(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === 0x0a) out.push(0x0d, 0x0a);
    else if (b === 0x0d) out.push(0x0d, 0x00);
    else out.push(b);
  }
  return Uint8Array.from(out);
}
