import { openServedFile } from '../files/resolve-file';
import { TftpErrorCode } from './packet';
import type { TftpReadReply } from './server';

/**
 * The reply for a read of `filename` inside `root`: the confined file (opened), `file not found`, or an access
 * violation for a name that tries to leave the root (`..`, a symlink out of it).
 */
export async function tftpFileReply(root: string, filename: string): Promise<TftpReadReply> {
  const found = await openServedFile(root, filename);
  if (found.ok) return { fd: found.file.fd, size: found.file.size };
  if (found.reason === 'refused') return { error: { code: TftpErrorCode.ACCESS_VIOLATION, message: 'access violation' } };
  return { error: { code: TftpErrorCode.FILE_NOT_FOUND, message: 'file not found' } };
}
