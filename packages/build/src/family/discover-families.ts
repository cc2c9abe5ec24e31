import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The file name of a family definition. */
export const FAMILY_FILE = 'provd.family.ts';

/** The folders (relative to the repository root) whose sub-folders may hold a family file. */
export const FAMILY_ROOTS: readonly string[] = ['packages', 'examples'];

/**
 * Where {@link discoverFamilyFiles} looks for family files, as patterns relative to the repository root, in the
 * order it looks: the root itself, then each sub-folder of every {@link FAMILY_ROOTS} folder.
 */
export const FAMILY_SEARCH: readonly string[] = [FAMILY_FILE, ...FAMILY_ROOTS.map((top) => `${top}/*/${FAMILY_FILE}`)];

const isFile = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isFile() === true;

/**
 * Lists the family files of a repository, as paths relative to `root`: `provd.family.ts` at the root itself (a
 * plugin family in a folder of its own, as `pnpm create provd-plugin` writes it outside this repository), then
 * `packages/<x>/provd.family.ts` and `examples/<x>/provd.family.ts`, sorted.
 *
 * @example
 * ```ts
 * await discoverFamilyFiles(process.cwd()); // ['examples/1.minimal-plugin/provd.family.ts', ...]
 * ```
 */
export async function discoverFamilyFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  if (await isFile(join(root, FAMILY_FILE))) found.push(FAMILY_FILE);
  for (const top of FAMILY_ROOTS) {
    const names = await readdir(join(root, top)).catch(() => [] as string[]);
    for (const name of names.sort()) {
      if (name.startsWith('.')) continue;
      const rel = `${top}/${name}/${FAMILY_FILE}`;
      if (await isFile(join(root, rel))) found.push(rel);
    }
  }
  return found;
}
