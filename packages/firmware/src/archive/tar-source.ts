import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { tarDecompressor } from './decompress';
import type { EntrySource } from './source';
import type { ArchiveFormat } from './types';

/** Reads the entries of a tar stream, decompressing it first as `format` says. */
export async function* tarEntries(input: Readable, format: ArchiveFormat): EntrySource {
  const extract = tar.extract();
  const decompressor = tarDecompressor(format);
  const fail = (err: Error) => extract.destroy(err);
  input.on('error', fail);
  decompressor?.on('error', fail);
  (decompressor ? input.pipe(decompressor) : input).pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      const { header } = entry;
      let taken = false;
      yield {
        name: header.name,
        type: header.type ?? 'file',
        size: header.size ?? 0,
        mode: header.mode ?? 0o644,
        linkname: header.linkname ?? undefined,
        data: async () => {
          taken = true;
          return Readable.from(entry);
        },
      };
      if (!taken) for await (const _ of entry);
    }
  } finally {
    extract.destroy();
    decompressor?.destroy();
    input.destroy();
  }
}
