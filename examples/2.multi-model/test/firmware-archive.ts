/**
 * The vendor's firmware archive for the tests: a plain ustar archive written byte for byte here, so that its size and
 * SHA-1 are always the ones `v3_1/pkgs/pkgs.db` declares. `fixtures/tinkertel-fw-3.1.0.tar` holds the same bytes, for
 * the guide (docs/4.firmware-packages.md), which copies it into a plugin's cache.
 */

/** The files of the archive, under its one top folder. */
export const ARCHIVE_FILES: Readonly<Record<string, string>> = {
  'tinkertel-fw-3.1.0/README.txt': 'Tinkertel firmware 3.1.0 release notes\n',
  'tinkertel-fw-3.1.0/T20-3.1.0.bin': 'Tinkertel T20 firmware 3.1.0\n',
  'tinkertel-fw-3.1.0/T40-3.1.0.bin': 'Tinkertel T40 firmware 3.1.0\n',
  'tinkertel-fw-3.1.0/T60-3.1.0.bin': 'Tinkertel T60 firmware 3.1.0\n',
};

/** Where `pkgs.db` says the archive is. */
export const ARCHIVE_URL = 'http://firmware.tinkertel.example/3.1.0/tinkertel-fw-3.1.0.tar';

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(1_700_000_000, 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** The archive's bytes. */
export function firmwareArchive(): Buffer {
  const parts: Buffer[] = [header('tinkertel-fw-3.1.0/', 0, '5')];
  for (const [name, text] of Object.entries(ARCHIVE_FILES)) {
    const data = Buffer.from(text, 'utf8');
    parts.push(header(name, data.length, '0'), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
