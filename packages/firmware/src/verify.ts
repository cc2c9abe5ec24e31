/**
 * Size and digest checks of firmware files, while streaming (downloads) or afterwards (cached and hand-placed files).
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { firmwareError } from './errors';
import type { ProvdError } from '@provd/sdk';
import type { FirmwareFile } from '@provd/sdk';

/** The digests of a file, as lower-case hex. */
export interface FileDigests {
  /** SHA-1. */
  sha1: string;
  /** SHA-256, when asked for. */
  sha256?: string;
}

/** Incremental size, SHA-1 and (when declared) SHA-256 of a stream of bytes. */
export class FileDigester {
  private sha1: Hash = createHash('sha1');
  private sha256: Hash | undefined;
  /** Bytes seen so far. */
  bytes = 0;

  /** Starts a digester for `file` (SHA-256 only when the file declares one). */
  constructor(private readonly file: Pick<FirmwareFile, 'sha256'>) {
    this.reset();
  }

  /** Forgets everything seen so far. */
  reset(): void {
    this.sha1 = createHash('sha1');
    this.sha256 = this.file.sha256 === undefined ? undefined : createHash('sha256');
    this.bytes = 0;
  }

  /** Adds a chunk. */
  update(chunk: Uint8Array): void {
    this.sha1.update(chunk);
    this.sha256?.update(chunk);
    this.bytes += chunk.length;
  }

  /** The digests of everything seen. */
  digest(): FileDigests {
    const out: FileDigests = { sha1: this.sha1.digest('hex') };
    if (this.sha256) out.sha256 = this.sha256.digest('hex');
    return out;
  }
}

/**
 * Compares what was digested with what the manifest declares; returns the error to throw, or `undefined` when the file
 * is the expected one.
 */
export function digestProblem(file: Pick<FirmwareFile, 'size' | 'sha1' | 'sha256'>, digester: FileDigester, where: string, url?: string): ProvdError | undefined {
  if (digester.bytes !== file.size) return firmwareError('PROVD_FETCHFW_SIZE_MISMATCH', { file: where, expected: file.size, received: digester.bytes, url });
  const d = digester.digest();
  if (d.sha1 !== file.sha1) return firmwareError('PROVD_FETCHFW_DIGEST_MISMATCH', { file: where, algorithm: 'SHA-1', expected: file.sha1, received: d.sha1, url });
  if (file.sha256 !== undefined && d.sha256 !== file.sha256) {
    return firmwareError('PROVD_FETCHFW_DIGEST_MISMATCH', { file: where, algorithm: 'SHA-256', expected: file.sha256, received: d.sha256 ?? '', url });
  }
  return undefined;
}

/**
 * Checks a file on disk against its manifest entry (size first, then digests). Returns `undefined` when it is missing,
 * the error when it is wrong, `true` when it is right.
 *
 * @example
 * ```ts
 * const state = await verifyFileOnDisk(join(cacheDir, file.filename), file);
 * ```
 */
export async function verifyFileOnDisk(path: string, file: Pick<FirmwareFile, 'size' | 'sha1' | 'sha256'>): Promise<true | ProvdError | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile() || st.size !== file.size) {
    return firmwareError('PROVD_FETCHFW_SIZE_MISMATCH', { file: path, expected: file.size, received: st.isFile() ? st.size : 0 });
  }
  const digester = new FileDigester(file);
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) digester.update(chunk as Buffer);
  return digestProblem(file, digester, path) ?? true;
}
