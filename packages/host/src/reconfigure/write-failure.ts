import { isProvdError } from '@provd/sdk';

/** Errno codes that say the disk, not the device or its config, is at fault. */
const WRITE_ERRNOS = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EMFILE', 'ENFILE']);

/** Whether `err` (or an error it wraps) is a failed file write: `PROVD_FILE_WRITE_FAILED` or a disk errno. */
export function isWriteFailure(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isProvdError(e) && e.code === 'PROVD_FILE_WRITE_FAILED') return true;
    if (WRITE_ERRNOS.has(String((e as NodeJS.ErrnoException).code))) return true;
  }
  return false;
}
