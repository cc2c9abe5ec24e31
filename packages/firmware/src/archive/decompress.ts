import { spawn } from 'node:child_process';
import { Duplex, PassThrough, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import bz2 from 'unbzip2-stream';
import type { ArchiveFormat } from './types';

/** Thrown (as the stream error) when the `xz` program cannot be started. */
export class XzMissingError extends Error {
  constructor(cause: unknown) {
    super('the "xz" program is needed for .xz archives and could not be started (install xz-utils)', { cause });
    this.name = 'XzMissingError';
  }
}

/** Decompresses an xz stream with the system `xz` program. */
function xzDecompressor(): Duplex {
  const child = spawn('xz', ['--decompress', '--stdout', '--quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const output = new PassThrough();
  const duplex = Duplex.from({ writable: child.stdin, readable: output });
  child.stdout.pipe(output, { end: false });
  child.stdin.on('error', () => undefined); // EPIPE when xz stops early; its exit status reports why
  child.on('error', (err) => duplex.destroy(new XzMissingError(err)));
  child.on('close', (code) => {
    if (code === 0) output.end();
    else output.destroy(new Error(Buffer.concat(stderr).toString('utf8').trim() || `xz exited with status ${code}`));
  });
  duplex.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return duplex;
}

/** The stream that turns the raw bytes of a `format` archive into a plain tar stream, if it is compressed. */
export function tarDecompressor(format: ArchiveFormat): Transform | Duplex | undefined {
  switch (format) {
    case 'tar.gz':
      return createGunzip();
    case 'tar.bz2':
      return bz2() as unknown as Duplex;
    case 'tar.xz':
      return xzDecompressor();
    default:
      return undefined;
  }
}
