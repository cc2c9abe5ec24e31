import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BlockReader, type ChunkSource } from '../src/tftp/index';

/** A source handing `data` out in chunks of the given sizes (cycled), each in one reused buffer like `fdChunks`. */
function chunked(data: Buffer, sizes: number[]): ChunkSource {
  let at = 0;
  let i = 0;
  const scratch = Buffer.alloc(Math.max(...sizes));
  return {
    next: async (max) => {
      if (at >= data.length) return null;
      const n = Math.min(sizes[i++ % sizes.length]!, max, data.length - at);
      data.copy(scratch, 0, at, at + n);
      at += n;
      return scratch.subarray(0, n);
    },
    close: () => {},
  };
}

/** Every DATA packet of `reader`, in order, released as they are taken (as a transfer does). */
async function drain(reader: BlockReader): Promise<Buffer[]> {
  const packets: Buffer[] = [];
  for (let n = 1; ; n++) {
    await reader.wait(n);
    packets.push(Buffer.from(reader.packet(n)));
    if (reader.isLast(n)) return packets;
    reader.release(n, n + 2);
  }
}

describe('BlockReader', () => {
  it('cuts chunks of any size into DATA packets of whole blocks, a short last one', async () => {
    const data = randomBytes(8_000 * 3 + 1);
    for (const sizes of [[7, 4096], [1000, 1, 4096], [65_536]]) {
      const packets = await drain(new BlockReader(chunked(data, sizes), 3, 65_536, false));
      expect(packets).toHaveLength(8_001);
      packets.forEach((p, i) => expect([p.readUInt16BE(0), p.readUInt16BE(2)]).toEqual([3, i + 1]));
      expect(Buffer.concat(packets.map((p) => p.subarray(4))).equals(data)).toBe(true);
      expect(packets.at(-1)!.length).toBe(4 + 1);
    }
  });

  it('numbers the blocks modulo 65536', async () => {
    const packets = await drain(new BlockReader(chunked(randomBytes(65_537), [8192]), 1, 8192, false));
    expect(packets.slice(65_534).map((p) => p.readUInt16BE(2))).toEqual([65_535, 0, 1, 2]);
  });

  it('ends a size that is a multiple of the block size with an empty block, and an empty file with one', async () => {
    const packets = await drain(new BlockReader(chunked(Buffer.alloc(1024, 1), [300]), 512, 1024, false));
    expect(packets.map((p) => p.length)).toEqual([516, 516, 4]);
    const empty = await drain(new BlockReader(chunked(Buffer.alloc(0), [1]), 512, 1024, false));
    expect(empty.map((p) => [...p])).toEqual([[0, 3, 0, 1]]);
  });

  it('converts to netascii across chunk boundaries', async () => {
    const packets = await drain(new BlockReader(chunked(Buffer.from('a\nb\rc\r\n'), [1, 2]), 4, 16, true));
    expect(Buffer.concat(packets.map((p) => p.subarray(4))).toString('latin1')).toBe('a\r\nb\r\0c\r\0\r\n');
  });

  it('keeps a packet intact until it is released, while later chunks are read', async () => {
    const data = randomBytes(10_000);
    const reader = new BlockReader(chunked(data, [1000]), 100, 1000, false);
    await reader.wait(1);
    const first = Buffer.from(reader.packet(1));
    await reader.wait(50);
    expect(reader.packet(1).equals(first)).toBe(true);
    expect(reader.packet(50).subarray(4).equals(data.subarray(4900, 5000))).toBe(true);
  });

  it('rejects a wait with the read error', async () => {
    const failing: ChunkSource = { next: async () => Promise.reject(new Error('EIO: disk gone')), close: () => {} };
    await expect(new BlockReader(failing, 512, 4096, false).wait(1)).rejects.toThrow('EIO: disk gone');
  });
});
