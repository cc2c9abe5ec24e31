import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name of a family definition. */
export const FAMILY_FILE = 'provd.family.ts';

/** The folders (relative to the repository root) whose sub-folders may hold a family file. */
export const FAMILY_ROOTS: readonly string[] = ['packages', 'examples'];

/**
 * Lists the family files of a repository: `packages/<x>/provd.family.ts` and `examples/<x>/provd.family.ts`, sorted,
 * as paths relative to `root`.
 *
 * @example
 * ```ts
 * await discoverFamilyFiles(process.cwd()); // ['examples/1.minimal-plugin/provd.family.ts', ...]
 * ```
 */
export async function discoverFamilyFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const top of FAMILY_ROOTS) {
    const names = await readdir(join(root, top)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const rel = `${top}/${name}/${FAMILY_FILE}`;
      if ((await stat(join(root, rel)).catch(() => undefined))?.isFile()) found.push(rel);
    }
  }
  return found;
}
