import { isProvdError } from '@provd/sdk';
import { buildError } from '../errors';

/** Wraps a file-system failure into `PROVD_BUILD_WRITE_FAILED` (a `ProvdError` passes through). */
export function writeFailed(err: unknown, fallback: string): unknown {
  if (isProvdError(err) || !(err instanceof Error)) return err;
  const code = err as NodeJS.ErrnoException;
  return buildError('PROVD_BUILD_WRITE_FAILED', { file: code.path ?? fallback, reason: code.message }, { cause: err });
}

