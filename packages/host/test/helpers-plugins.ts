/**
 * Builders of plugin folders, tarballs and repositories for the host's tests, from the fixture plugin in
 * `test/fixtures/plugins/acme` (a hand-written `entry.js`, `plugin-info` and templates).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTarGz, type TarItem } from '../../firmware/src/archive/test-archives';

/** The fixture plugin's source folder. */
export const ACME_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins', 'acme');

/** The standard runtime folders of a built plugin. */
const VAR_DIRS = ['var/', 'var/tftpboot/', 'var/templates/', 'var/cache/', 'var/installed/'];

/**
 * Changes to the fixture plugin: replaced, added or (with `undefined`) removed files, and `plugin-info` keys (with
 * `undefined`: removed).
 */
export interface PluginVariant {
  files?: Record<string, string | undefined>;
  info?: Record<string, unknown>;
}

async function sourceFiles(variant: PluginVariant): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const rel of (await readdir(ACME_SOURCE, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
    const path = join(rel.parentPath, rel.name);
    files[relative(ACME_SOURCE, path).split('\\').join('/')] = await readFile(path, 'utf8');
  }
  const info = { ...JSON.parse(files['plugin-info'] as string), ...variant.info } as Record<string, unknown>;
  for (const [key, value] of Object.entries(info)) if (value === undefined) delete info[key];
  files['plugin-info'] = JSON.stringify(info, null, 4);
  const merged: Record<string, string | undefined> = { ...files, ...variant.files };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Writes the fixture plugin (with `variant` applied) as an installed plugin folder `<pluginsDir>/<id>`. */
export async function writePluginFolder(pluginsDir: string, id: string, variant: PluginVariant = {}): Promise<string> {
  const dir = join(pluginsDir, id);
  for (const [rel, contents] of Object.entries(await sourceFiles(variant))) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), contents);
  }
  for (const rel of VAR_DIRS) await mkdir(join(dir, rel), { recursive: true });
  return dir;
}

/** The tar items of the fixture plugin under the top folder `top`, plus `extra` items (hostile ones, say). */
export async function pluginTarItems(top: string, variant: PluginVariant = {}, extra: TarItem[] = []): Promise<TarItem[]> {
  const items: TarItem[] = [{ name: `${top}/`, type: 'directory' }];
  for (const [rel, contents] of Object.entries(await sourceFiles(variant))) items.push({ name: `${top}/${rel}`, content: contents });
  for (const rel of VAR_DIRS) items.push({ name: `${top}/${rel}`, type: 'directory' });
  return [...items, ...extra];
}

/** A gzip tarball of the fixture plugin under the top folder `top`. */
export async function pluginTarball(top: string, variant: PluginVariant = {}, extra: TarItem[] = []): Promise<Buffer> {
  return makeTarGz(await pluginTarItems(top, variant, extra));
}

/** One package of a test repository. */
export interface RepoPackage {
  id: string;
  tarball: Buffer;
  version?: string;
  /** Keys written into the index entry over the computed ones (e.g. a wrong `sha256`). */
  entry?: Record<string, unknown>;
}

/** Writes a repository folder: the tarballs and a `plugins.db` with their sizes and digests. Returns the index bytes. */
export async function writeRepo(repoDir: string, packages: readonly RepoPackage[]): Promise<Buffer> {
  await mkdir(repoDir, { recursive: true });
  const db: Record<string, unknown> = {};
  for (const pkg of packages) {
    const version = pkg.version ?? '1.0.0';
    const filename = `${pkg.id}-${version}.tar.gz`;
    await writeFile(join(repoDir, filename), pkg.tarball);
    db[pkg.id] = {
      ...JSON.parse(await readFile(join(ACME_SOURCE, 'plugin-info'), 'utf8')),
      version,
      filename,
      dsize: pkg.tarball.length,
      sha1sum: createHash('sha1').update(pkg.tarball).digest('hex'),
      sha256: createHash('sha256').update(pkg.tarball).digest('hex'),
      ...pkg.entry,
    };
  }
  const bytes = Buffer.from(`${JSON.stringify(db)}\n`);
  await writeFile(join(repoDir, 'plugins.db'), bytes);
  return bytes;
}

/** Every path under `dir` with the contents of its files, for "nothing changed" assertions. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(e.parentPath, e.name);
    const rel = relative(dir, path).split('\\').join('/');
    out[rel] = e.isFile() ? createHash('sha1').update(await readFile(path)).digest('hex') : e.isDirectory() ? 'dir' : 'other';
  }
  return out;
}

