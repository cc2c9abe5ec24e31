/**
 * Test helpers shared by the provd packages.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary folder for one test, removed by `cleanup()`. */
export interface TestDir {
  /** Absolute path of the folder. */
  path: string;
  /** Absolute path of `rel` inside the folder. */
  join(...rel: string[]): string;
  /** Removes the folder and everything in it. */
  cleanup(): Promise<void>;
}

/**
 * Creates a temporary folder holding `files` (relative path → contents).
 *
 * @example
 * ```ts
 * const dir = await testdir({ 'plugin-info': '{}' });
 * afterEach(() => dir.cleanup());
 * ```
 */
export async function testdir(files: Record<string, string | Uint8Array> = {}): Promise<TestDir> {
  const path = await mkdtemp(join(tmpdir(), 'provd-test-'));
  for (const [rel, contents] of Object.entries(files)) {
    const target = join(path, rel);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents);
  }
  return {
    path,
    join: (...rel: string[]) => join(path, ...rel),
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

/** The repository root (for reading `../shared` fixtures and running the CLIs). */
export const repoRoot: string = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..');

/** The shared reference folder beside the repository root (read-only fixtures). */
export const sharedDir: string = process.env.PROVD_SHARED_DIR ?? join(repoRoot, '..', 'shared');

/**
 * A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released), for a peer such as sipp that
 * must be told its port up front.
 */
export async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/**
 * Waits until something (e.g. a sipp process just started) has bound UDP `port` on 127.0.0.1, probing every 50 ms
 * for at most `attempts` probes; resolves either way (the test then fails on what it expects of the peer).
 */
export async function untilUdpBound(port: number, attempts = 200): Promise<void> {
  const { createSocket } = await import('node:dgram');
  for (let i = 0; i < attempts; i++) {
    const probe = createSocket('udp4');
    const busy = await new Promise<boolean>((resolve) => {
      probe.once('error', () => resolve(true));
      probe.bind(port, '127.0.0.1', () => resolve(false));
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    if (busy) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The section of `docs/errors.md` headed `## <owner>` (up to the next `## ` heading), or `''` when missing. */
export function errorDocsSection(owner: string): string {
  const doc = readFileSync(join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const at = doc.indexOf(`\n## ${owner}\n`);
  if (at < 0) return '';
  const rest = doc.slice(at + 1);
  const next = rest.indexOf('\n## ', 1);
  return next < 0 ? rest : rest.slice(0, next + 1);
}

/**
 * The codes of a package's error catalog that `docs/errors.md` does not document under its `## <owner>` heading with
 * a **Means:** and a **Fix:** line, and the codes documented there that the catalog does not define.
 */
export function errorDocsProblems(catalog: { owner: string; codes: readonly string[] }): { undocumented: string[]; unknown: string[] } {
  const section = errorDocsSection(catalog.owner);
  const undocumented = catalog.codes.filter((code) => {
    const at = section.indexOf(`### ${code}\n`);
    if (at < 0) return true;
    const entry = section.slice(at).split('\n### ')[0] ?? '';
    return !entry.includes('**Means:**') || !entry.includes('**Fix:**');
  });
  const documented = [...section.matchAll(/^### (PROVD_[A-Z0-9_]+)$/gm)].map((m) => m[1]!);
  return { undocumented, unknown: documented.filter((code) => !catalog.codes.includes(code)) };
}
