import type { ArchiveFormat } from './types';

const startsWith = (head: Uint8Array, magic: readonly number[], at = 0): boolean =>
  head.length >= at + magic.length && magic.every((byte, i) => head[at + i] === byte);

const GZIP = [0x1f, 0x8b];
const BZIP2 = [0x42, 0x5a, 0x68]; // "BZh"
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72]; // "ustar" at offset 257

/**
 * Tells the archive format from its first bytes (at least 262 for a plain tar): gzip, bzip2 and xz streams are taken
 * to hold a tar; `undefined` when none matches.
 *
 * @example
 * ```ts
 * detectArchiveFormat(await readFile('fw.zip')); // 'zip'
 * ```
 */
export function detectArchiveFormat(head: Uint8Array): ArchiveFormat | undefined {
  if (startsWith(head, GZIP)) return 'tar.gz';
  if (startsWith(head, BZIP2)) return 'tar.bz2';
  if (startsWith(head, XZ)) return 'tar.xz';
  if (startsWith(head, ZIP_LOCAL) || startsWith(head, ZIP_EMPTY)) return 'zip';
  if (startsWith(head, USTAR, 257)) return 'tar';
  return undefined;
}
