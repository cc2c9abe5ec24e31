import { close, read } from 'node:fs';
import { toNetascii } from './netascii';

/** Where the bytes of a transfer come from, chunk by chunk: resolves to the next chunk, or `null` at the end. */
export type ChunkSource = {
  /** Reads the next chunk of at most `max` bytes; `null` once everything was read. */
  next(max: number): Promise<Buffer | null>;
  /** Releases the source. */
  close(): void;
};

/** A source over bytes in memory (one chunk). */
export function memoryChunks(data: Uint8Array): ChunkSource {
  let done = false;
  return {
    next: async () => {
      if (done) return null;
      done = true;
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    },
    close: () => {},
  };
}

/**
 * A source over an open file descriptor, read sequentially from its start (closed with the source). The descriptor
 * stays on the file it was opened on, so a file replaced by an atomic rename meanwhile is still sent whole.
 */
export function fdChunks(fd: number): ChunkSource {
  let position = 0;
  let closed = false;
  return {
    next: (max) =>
      new Promise((resolve, reject) => {
        const buffer = Buffer.allocUnsafe(max);
        read(fd, buffer, 0, max, position, (err, n) => {
          if (err) return reject(err);
          position += n;
          resolve(n === 0 ? null : buffer.subarray(0, n));
        });
      }),
    close: () => {
      if (closed) return;
      closed = true;
      close(fd, () => {});
    },
  };
}

/**
 * The blocks of one transfer over a sliding window of bytes read ahead: whole chunks (`chunkBytes`, much larger than
 * a block) are read from the source in the background while earlier blocks are sent, so sending a block never
 * waits on a file read once the read-ahead is running; a block is taken from memory. Only the bytes from the oldest
 * unacknowledged block on are kept (`release`), so a transfer holds about two chunks whatever the file's size. In
 * netascii mode each chunk is converted as it arrives (streamed: the converted file is never held).
 */
export class BlockReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** The offset, in the (converted) byte stream, of `buffer[0]`. */
  private bufferStart = 0;
  private isEnded = false;
  private filling: Promise<void> | undefined;
  private failure: Error | undefined;

  /**
   * @param source - where the bytes come from.
   * @param blksize - the negotiated block size.
   * @param chunkBytes - how much is read at once (and read ahead).
   * @param netascii - convert to netascii while reading.
   */
  constructor(
    private readonly source: ChunkSource,
    readonly blksize: number,
    private readonly chunkBytes: number,
    private readonly netascii: boolean,
  ) {}

  /** The error a background read failed with, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Whether the end of the data was read. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Whether block `n` (1-based) is in memory (or known to be past the end of the data). */
  has(n: number): boolean {
    return this.isEnded || this.bufferStart + this.buffer.length >= n * this.blksize;
  }

  /** Whether block `n` is the last one (shorter than a block; empty when the size is a multiple of it). */
  isLast(n: number): boolean {
    return this.isEnded && this.endBlock() === n;
  }

  /** The number of the last block, once the end of the data was read. */
  endBlock(): number {
    return Math.floor((this.bufferStart + this.buffer.length) / this.blksize) + 1;
  }

  /** The payload of block `n`, which must be in memory ({@link has}) and not released. */
  block(n: number): Buffer {
    const start = (n - 1) * this.blksize - this.bufferStart;
    return this.buffer.subarray(Math.max(0, start), Math.max(0, Math.min(start + this.blksize, this.buffer.length)));
  }

  /** Forgets the bytes of blocks up to `n` (acknowledged) and reads ahead so that `upTo` and a chunk more are ready. */
  release(n: number, upTo: number): void {
    const drop = Math.min(n * this.blksize - this.bufferStart, this.buffer.length);
    if (drop > 0) {
      this.buffer = this.buffer.subarray(drop);
      this.bufferStart += drop;
    }
    this.readAhead(upTo);
  }

  /** Starts a background read unless the bytes up to block `upTo` plus one chunk are there (or being read). */
  readAhead(upTo: number): void {
    if (this.isEnded || this.filling || this.failure) return;
    if (this.bufferStart + this.buffer.length >= upTo * this.blksize + this.chunkBytes) return;
    this.filling = this.fill().finally(() => (this.filling = undefined));
  }

  /** Waits until block `n` is in memory (or the data ended); rejects with the read error. */
  async wait(n: number): Promise<void> {
    while (!this.has(n)) {
      if (this.failure) throw this.failure;
      if (!this.filling) this.filling = this.fill().finally(() => (this.filling = undefined));
      await this.filling;
    }
    if (this.failure) throw this.failure;
  }

  private async fill(): Promise<void> {
    try {
      const chunk = await this.source.next(this.chunkBytes);
      if (chunk === null) {
        this.isEnded = true;
        return;
      }
      const bytes = this.netascii ? toNetascii(chunk) : chunk;
      this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
    } catch (err) {
      this.failure = err as Error;
    }
  }

  /** Releases the source. */
  close(): void {
    this.source.close();
  }
}
