import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Placement } from './generate/package-files';

/** Whether `dir` is the root of the provd repository: a pnpm workspace whose `packages/sdk` is `@provd/sdk`. */
async function isProvdRoot(dir: string): Promise<boolean> {
  if (!(await stat(join(dir, 'pnpm-workspace.yaml')).catch(() => undefined))?.isFile()) return false;
  try {
    return (JSON.parse(await readFile(join(dir, 'packages', 'sdk', 'package.json'), 'utf8')) as { name?: unknown }).name === '@provd/sdk';
  } catch {
    return false;
  }
}

/** The root of the provd repository holding `dir` (or `dir` itself), if any. */
export async function findProvdRoot(dir: string): Promise<string | undefined> {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (await isProvdRoot(at)) return at;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Where the family goes and how it is wired: inside the provd repository, a folder directly under `packages/` or
 * `examples/` is a workspace package (the build finds it, `workspace:` dependencies); anywhere else it is a folder
 * of its own with the published packages as dependencies. With no folder given, the default is
 * `packages/plugin-<family>` inside the repository and `./provd-plugin-<family>` elsewhere.
 */
export async function placeFamily(cwd: string, family: string, dir: string | undefined, standalone: boolean): Promise<{ dir: string; placement: Placement }> {
  const root = standalone ? undefined : await findProvdRoot(cwd);
  const target = dir !== undefined ? resolve(cwd, dir) : root ? join(root, 'packages', `plugin-${family}`) : resolve(cwd, `provd-plugin-${family}`);
  if (!standalone) {
    const targetRoot = await findProvdRoot(dirname(target));
    const parent = basename(dirname(target));
    if (targetRoot && dirname(dirname(target)) === targetRoot && (parent === 'packages' || parent === 'examples')) {
      return { dir: target, placement: { kind: 'workspace', root: targetRoot, relDir: relative(targetRoot, target).split(sep).join('/') } };
    }
  }
  return { dir: target, placement: { kind: 'standalone' } };
}

/** The families a provd repository already has, by name → family file (read from their `name:` line). */
export async function existingFamilies(root: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const top of ['packages', 'examples']) {
    for (const name of await readdir(join(root, top)).catch(() => [] as string[])) {
      const file = join(top, name, 'provd.family.ts');
      const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
      const match = text === undefined ? null : /\bname:\s*['"]([a-z0-9-]+)['"]/.exec(text);
      if (match?.[1]) found.set(match[1], file);
    }
  }
  return found;
}
