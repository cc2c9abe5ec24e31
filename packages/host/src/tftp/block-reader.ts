import { close, read } from 'node:fs';
import { toNetascii } from './netascii';

/**
 * Where the bytes of a transfer come from, chunk by chunk: resolves to the next chunk, or `null` at the end. A chunk
 * may be overwritten by the next call (the reader copies it into its packets).
 */
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
 * stays on the file it was opened on, so a file replaced by an atomic rename meanwhile is still sent whole. Each
 * chunk is read into the same buffer: it is valid until the next call (the {@link BlockReader} copies it out).
 */
export function fdChunks(fd: number): ChunkSource {
  let position = 0;
  let closed = false;
  let buffer: Buffer | undefined;
  return {
    next: (max) =>
      new Promise((resolve, reject) => {
        if (!buffer || buffer.length < max) buffer = Buffer.allocUnsafeSlow(max);
        read(fd, buffer, 0, max, position, (err, n) => {
          if (err) return reject(err);
          position += n;
          resolve(n === 0 ? null : buffer!.subarray(0, n));
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
 * The blocks of one transfer as ready DATA packets, over a sliding window read ahead: whole chunks (`chunkBytes`,
 * much larger than a block) are read from the source in the background while earlier blocks are sent, and each
 * chunk is cut once into DATA packets (header written in place, one allocation per chunk), so sending a block is
 * an array look-up: no file read, no copy, no allocation per block. Only the packets from the oldest unacknowledged
 * block on are kept (`release`), so a transfer holds about two chunks whatever the file's size. In netascii mode
 * each chunk is converted as it arrives (streamed: the converted file is never held).
 */
export class BlockReader {
  /** The DATA packets read and not released: `packets[head]` is block `first`. */
  private packets: Buffer[] = [];
  private head = 0;
  private first = 1;
  /** The bytes after the last whole block (less than a block), until more arrive or the data ends. */
  private rest: Buffer | undefined;
  /** How many bytes of the (converted) stream were read. */
  private readBytes = 0;
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

  /** Whether the end of the data was read (the last, short block included). */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Whether block `n` (1-based) is in memory (or known to be past the end of the data). */
  has(n: number): boolean {
    return this.isEnded || n < this.first + this.packets.length - this.head;
  }

  /** Whether block `n` is the last one (shorter than a block; empty when the size is a multiple of it). */
  isLast(n: number): boolean {
    return this.isEnded && this.endBlock() === n;
  }

  /** The number of the last block, once the end of the data was read. */
  endBlock(): number {
    return this.first + this.packets.length - this.head - 1;
  }

  /** The DATA packet of block `n` (header included), which must be in memory ({@link has}) and not released. */
  packet(n: number): Buffer {
    return this.packets[this.head + n - this.first]!;
  }

  /** Forgets the packets of blocks up to `n` (acknowledged) and reads ahead so that `upTo` and a chunk more are ready. */
  release(n: number, upTo: number): void {
    const drop = Math.min(n - this.first + 1, this.packets.length - this.head);
    if (drop > 0) {
      this.head += drop;
      this.first += drop;
      if (this.head >= 1024 && this.head * 2 >= this.packets.length) {
        this.packets = this.packets.slice(this.head);
        this.head = 0;
      }
    }
    this.readAhead(upTo);
  }

  /** Starts a background read unless the bytes up to block `upTo` plus one chunk are there (or being read). */
  readAhead(upTo: number): void {
    if (this.isEnded || this.filling || this.failure) return;
    if (this.readBytes >= upTo * this.blksize + this.chunkBytes) return;
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
      if (chunk === null) return this.end();
      const bytes = this.netascii ? toNetascii(chunk) : chunk;
      this.readBytes += bytes.length;
      this.cut(bytes);
    } catch (err) {
      this.failure = err as Error;
    }
  }

  /** Cuts `bytes` (with the rest of the previous chunk before them) into whole-block DATA packets. */
  private cut(bytes: Buffer): void {
    const size = this.blksize;
    let from = 0;
    if (this.rest) {
      const need = size - this.rest.length;
      if (bytes.length < need) {
        this.rest = Buffer.concat([this.rest, bytes]);
        return;
      }
      const packet = this.header(Buffer.allocUnsafe(4 + size));
      this.rest.copy(packet, 4);
      bytes.copy(packet, 4 + this.rest.length, 0, need);
      this.packets.push(packet);
      this.rest = undefined;
      from = need;
    }
    const whole = Math.floor((bytes.length - from) / size);
    if (whole > 0) {
      const stride = 4 + size;
      const memory = Buffer.allocUnsafeSlow(whole * stride);
      for (let i = 0; i < whole; i++) {
        const packet = this.header(memory.subarray(i * stride, (i + 1) * stride));
        bytes.copy(packet, 4, from + i * size, from + (i + 1) * size);
        this.packets.push(packet);
      }
      from += whole * size;
    }
    if (from < bytes.length) this.rest = Buffer.from(bytes.subarray(from));
  }

  /** The last packet: the bytes left (possibly none), shorter than a block. */
  private end(): void {
    const rest = this.rest ?? Buffer.alloc(0);
    const packet = this.header(Buffer.allocUnsafe(4 + rest.length));
    rest.copy(packet, 4);
    this.packets.push(packet);
    this.rest = undefined;
    this.isEnded = true;
  }

  /** Writes the DATA header of the next block (its number modulo 65536) at the start of `packet`. */
  private header(packet: Buffer): Buffer {
    const block = (this.first + this.packets.length - this.head) & 0xffff;
    packet[0] = 0;
    packet[1] = 3;
    packet[2] = block >> 8;
    packet[3] = block & 0xff;
    return packet;
  }

  /** Releases the source. */
  close(): void {
    this.source.close();
  }
}
