/**
 * Helpers of the release checks: the published packages of the workspace and how to pack them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** A package of the workspace that is published (no `"private": true`). */
export interface PublishedPackage {
  /** Its name, e.g. `@provd/sdk`. */
  name: string;
  /** Its version. */
  version: string;
  /** Its folder, relative to the repository root, e.g. `packages/sdk`. */
  dir: string;
  /** Its `package.json`. */
  manifest: Record<string, any>;
}

/** Every published package under `packages/`, by folder name. */
export function publishedPackages(root: string): PublishedPackage[] {
  const found: PublishedPackage[] = [];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', name, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, version: manifest.version, dir: `packages/${name}`, manifest });
  }
  return found;
}

/** The result of a command run by {@link run}. */
export interface RunResult {
  /** Its exit status. */
  status: number | null;
  /** What it printed on stdout. */
  stdout: string;
  /** What it printed on stderr. */
  stderr: string;
}

/** Runs a command to its end; `env` adds to the environment. */
export function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): RunResult {
  const r = spawnSync(command, [...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
}

/** Packs `pkg` with `pnpm pack` (workspace ranges replaced, `publishConfig` applied) into `dest`; returns the tarball path. */
export function pack(root: string, pkg: PublishedPackage, dest: string): string {
  const r = run('pnpm', ['pack', '--pack-destination', dest], join(root, pkg.dir));
  if (r.status !== 0) throw new Error(`pnpm pack of ${pkg.name} failed: ${r.stderr}${r.stdout}`);
  const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
  if (!existsSync(join(dest, file))) throw new Error(`pnpm pack of ${pkg.name} wrote no ${file} (it printed ${r.stdout})`);
  return join(dest, file);
}
