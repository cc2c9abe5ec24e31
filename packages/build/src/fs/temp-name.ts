import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A temporary file or folder name in `dir`, starting with a dot so that indexing skips it. */
export function tempNameIn(dir: string, label: string): string {
  return join(dir, `.${label}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}
