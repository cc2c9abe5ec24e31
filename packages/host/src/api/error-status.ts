import { isProvdError } from '@provd/sdk';

/**
 * The HTTP status an API error answers with: an explicit `status` (a `ProvdError` carries the one its code's
 * definition gives: 404 not found, 409 conflict, 502 upstream, 500 bug), 400 for any other `ProvdError` (a user
 * error), 500 for anything else (a bug).
 */
export function errorStatus(err: unknown): number {
  const explicit = (err as { status?: unknown })?.status;
  if (typeof explicit === 'number') return explicit;
  return isProvdError(err) ? 400 : 500;
}
