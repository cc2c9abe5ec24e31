import { copyFile, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The folders of an installed plugin that hold what the plugin and its administrator made at run time: the files it
 * wrote for phones, downloaded and installed firmware, custom templates, and the temporary files of its writes in
 * progress (`var/staging`, renamed into `var/tftpboot` once written). A dev rebuild never touches them.
 */
export const RUNTIME_DIRS: readonly string[] = ['var/tftpboot', 'var/cache', 'var/installed', 'var/templates', 'var/staging'];

const isRuntime = (rel: string): boolean => RUNTIME_DIRS.some((dir) => rel === dir || rel.startsWith(`${dir}/`));

/** The files under `dir` by `/`-separated relative path, runtime folders left out. */
async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (isRuntime(child)) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, child)));
    else out.push(child);
  }
  return out;
}

/** Whether two files hold the same bytes. */
async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => undefined), stat(b).catch(() => undefined)]);
  if (!sa || !sb || sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([readFile(a), readFile(b)]);
  return ba.equals(bb);
}

/** What {@link syncPluginFolder} changed, as relative paths. */
export interface SyncResult {
  /** Files written (new or changed). */
  written: string[];
  /** Files removed (gone from the build). */
  removed: string[];
}

/**
 * Makes the installed plugin folder `target` match the freshly built folder `built`, keeping its run-time state
 * ({@link RUNTIME_DIRS}): changed and new files are written to a temporary name and renamed, so a host reading the
 * folder never sees half a file; files the build no longer has are removed. Creates `target` when it does not exist.
 *
 * @example
 * ```ts
 * const { written } = await syncPluginFolder('/tmp/build/acme-1.0.0', '/var/lib/provd/plugins/acme-1.0.0');
 * ```
 */
export async function syncPluginFolder(built: string, target: string): Promise<SyncResult> {
  const wanted = await listFiles(built);
  const present = new Set(await listFiles(target));
  const result: SyncResult = { written: [], removed: [] };
  for (const rel of wanted) {
    const from = join(built, rel);
    const to = join(target, rel);
    if (present.has(rel) && (await sameFile(from, to))) continue;
    await mkdir(dirname(to), { recursive: true });
    const temp = `${to}.dev-${process.pid}`;
    await copyFile(from, temp);
    await rename(temp, to);
    result.written.push(rel);
  }
  const keep = new Set(wanted);
  for (const rel of present) {
    if (keep.has(rel)) continue;
    await rm(join(target, rel), { force: true });
    result.removed.push(rel);
  }
  for (const dir of ['var', ...RUNTIME_DIRS]) await mkdir(join(target, dir), { recursive: true });
  return result;
}
