import { spawnSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The `repository` field of a `package.json`: where the sources are, and the package's folder in them. */
export interface RepositoryField {
  /** Always `git`. */
  type: 'git';
  /** The clone URL, in npm's form (`git+https://...`, `git+ssh://...`). */
  url: string;
  /** The package's folder inside the repository, `/`-separated; absent at its root. */
  directory?: string;
}

/**
 * A git remote URL in npm's form: `https://host/o/r.git` → `git+https://host/o/r.git`, the scp-like
 * `git@host:o/r.git` → `git+ssh://git@host/o/r.git`, `ssh://...` → `git+ssh://...`; `undefined` for anything else
 * (a local path, say), which is no URL a reader of the package could follow.
 */
export function npmRepositoryUrl(remote: string): string | undefined {
  const url = remote.trim();
  if (/^git\+(https|ssh):\/\//.test(url)) return url;
  if (/^(https|ssh):\/\//.test(url)) return `git+${url}`;
  const scp = /^([\w.-]+@)?([\w.-]+):(?!\/)(.+)$/.exec(url);
  if (scp) return `git+ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  return undefined;
}

/** Runs git in `cwd`; its trimmed output, or `undefined` when git is missing or fails. */
function git(cwd: string, args: readonly string[]): string | undefined {
  const r = spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

/** `dir`, or the nearest of its parents that exists (the family's folder is not written yet). */
async function existingAncestor(dir: string): Promise<string> {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if ((await stat(at).catch(() => undefined))?.isDirectory() || dirname(at) === at) return at;
  }
}

const posix = (rel: string): string => rel.split(sep).join('/');

/**
 * Guesses the `repository` of a new family's `package.json`. Inside the provd repository (`workspaceRoot` given),
 * it is that repository: the `repository.url` of its root `package.json` (so a fork that names itself there is
 * named), with the family's folder as `directory`. Elsewhere it is the git work tree the folder is created in, if
 * any: the URL of its `origin` remote in npm's form, with the folder relative to the work tree's top as
 * `directory`. `undefined` when there is nothing to go on (no such `repository.url`, no git work tree, no `origin`,
 * or an `origin` that is a local path): the author adds the field when the family gets a home.
 *
 * @example
 * ```ts
 * await guessRepository('/src/phones/plugins/acme'); // { type: 'git', url: 'git+ssh://git@github.com/acme/phones.git', directory: 'plugins/acme' }
 * ```
 */
export async function guessRepository(dir: string, workspaceRoot?: string): Promise<RepositoryField | undefined> {
  if (workspaceRoot !== undefined) {
    const root = JSON.parse(await readFile(join(workspaceRoot, 'package.json'), 'utf8').catch(() => '{}')) as { repository?: unknown };
    const declared = typeof root.repository === 'string' ? root.repository : (root.repository as { url?: unknown } | undefined)?.url;
    const url = typeof declared === 'string' ? npmRepositoryUrl(declared) : undefined;
    return url === undefined ? undefined : { type: 'git', url, directory: posix(relative(workspaceRoot, dir)) };
  }
  const from = await existingAncestor(dir);
  const top = git(from, ['rev-parse', '--show-toplevel']);
  const remote = top === undefined ? undefined : git(from, ['config', '--get', 'remote.origin.url']);
  const url = remote === undefined ? undefined : npmRepositoryUrl(remote);
  if (top === undefined || url === undefined) return undefined;
  const directory = posix(relative(top, resolve(dir)));
  return directory === '' ? { type: 'git', url } : { type: 'git', url, directory };
}
