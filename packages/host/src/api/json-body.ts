import type { IncomingMessage } from 'node:http';
import { hostError } from '../errors';


/** The largest API request body accepted, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads and parses a JSON request body (at most {@link MAX_BODY_BYTES}); throws `PROVD_HOST_BAD_REQUEST` (413 when too large). */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `body of ${declared} bytes is over the ${MAX_BODY_BYTES}-byte limit` }), { status: 413 });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `body over the ${MAX_BODY_BYTES}-byte limit` }), { status: 413 });
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'the body is empty; send a JSON object' });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw hostError('PROVD_HOST_BAD_REQUEST', { reason: `the body is not JSON (${(err as Error).message})` });
  }
}
