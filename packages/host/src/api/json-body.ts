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
  // (read with the stream's events: an async iterator costs more per request than the small body it reads)
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const got: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void got.push(chunk);
      done();
      // as an iterator left early: the request is destroyed, the rest of it never read
      req.destroy();
      reject(Object.assign(hostError('PROVD_HOST_BAD_REQUEST', { reason: `body over the ${MAX_BODY_BYTES}-byte limit` }), { status: 413 }));
    };
    const onEnd = (): void => (done(), resolve(got));
    const onError = (err: Error): void => (done(), reject(err));
    const onClose = (): void => (done(), reject(Object.assign(new Error('the request was closed before its body was read'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })));
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw hostError('PROVD_HOST_BAD_REQUEST', { reason: 'the body is empty; send a JSON object' });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw hostError('PROVD_HOST_BAD_REQUEST', { reason: `the body is not JSON (${(err as Error).message})` });
  }
}
