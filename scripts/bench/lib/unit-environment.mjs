// The environment the host's systemd unit runs it with, for benchmarks that run the host as deployed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The `Environment=` lines of `packages/host/systemd/provd.service` under the repository `root` (one assignment each,
 * quoted or not: `NODE_OPTIONS`, `MALLOC_ARENA_MAX`), as an object.
 */
export async function unitEnvironment(root) {
  const unit = await readFile(join(root, 'packages/host/systemd/provd.service'), 'utf8');
  return Object.fromEntries([...unit.matchAll(/^Environment="?([A-Z_]+)=([^"\n]*)"?$/gm)].map((m) => [m[1], m[2]]));
}
