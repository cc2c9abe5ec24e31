import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@provd/test-utils';

/** What `pnpm build-plugins` runs once the workspace is built. */
export const buildBin = join(repoRoot, 'packages', 'build', 'dist', 'cli.js');
/** What `pnpm provd` runs once the workspace is built. */
export const provdBin = join(repoRoot, 'packages', 'host', 'dist', 'cli.js');

/** The result of one command line. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built command line (`buildBin` or `provdBin`) in `cwd`. */
export function run(bin: string, args: string[], cwd: string = repoRoot): Run {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The plugin id and tarball name of the family's one target. */
export const PLUGIN_ID = 'tinkertel-3.1';
/** The tarball `build-plugins` writes. */
export const TARBALL = 'tinkertel-3.1-1.0.0.tar.gz';
