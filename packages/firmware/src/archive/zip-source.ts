import yauzl from 'yauzl';
import type { EntrySource } from './source';

const S_IFMT = 0o170000;
const TYPE_BY_MODE: Record<number, string> = {
  0o010000: 'fifo',
  0o020000: 'character-device',
  0o040000: 'directory',
  0o060000: 'block-device',
  0o100000: 'file',
  0o120000: 'symlink',
  0o140000: 'socket',
};
const MADE_BY_UNIX = 3;

const MAX_LINK_TARGET = 4096;

/** Reads the entries of a zip archive, from its path or from its bytes in memory. */
export async function* zipEntries(source: string | Buffer): EntrySource {
  const options = { lazyEntries: true, decodeStrings: false, validateEntrySizes: true };
  const zip = await (typeof source === 'string' ? yauzl.openPromise(source, options) : yauzl.fromBufferPromise(source, options));
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
      const unixMode = entry.versionMadeBy >>> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
      const byMode = TYPE_BY_MODE[unixMode & S_IFMT];
      const type = name.endsWith('/') ? 'directory' : (byMode ?? 'file');
      const data = () => zip.openReadStreamPromise(entry);
      let linkname: string | undefined;
      if (type === 'symlink') {
        if (entry.uncompressedSize > MAX_LINK_TARGET) throw new Error(`symbolic link "${name}" has a target longer than ${MAX_LINK_TARGET} bytes`);
        const chunks: Buffer[] = [];
        for await (const chunk of await data()) chunks.push(chunk as Buffer);
        linkname = Buffer.concat(chunks).toString('utf8');
      }
      yield { name, type, size: entry.uncompressedSize, mode: unixMode & 0o7777 || 0o644, linkname, data };
    }
  } finally {
    zip.close();
  }
}
