import { isProvdError } from '@provd/sdk';

/** The HTTP status an API error answers with: 404 not found, 409 conflicts, 413 too large, 502 repository, 400 other user errors, 500 bugs. */
export function errorStatus(err: unknown): number {
  const explicit = (err as { status?: unknown })?.status;
  if (typeof explicit === 'number') return explicit;
  if (!isProvdError(err)) return 500;
  const code = err.code as string;
  if (code === 'PROVD_INTERNAL') return 500;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (/DUPLICATE|ALREADY|BUSY|NOT_DELETABLE/.test(code)) return 409;
  if (/UNREACHABLE|DOWNLOAD/.test(code)) return 502;
  return 400;
}
