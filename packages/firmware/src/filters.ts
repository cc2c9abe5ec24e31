/**
 * The install verbs (contract §8.5, survey §4.1): each reads its input folder and writes its output folder, never
 * following links and never writing outside the output folder. Archives go through the SDK's safe extractor; `7z`
 * and `unrar` run the system programs into a scratch folder whose result is checked before use.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extractArchive } from './archive/index';
import type { ArchiveLimits } from './archive/index';
import { firmwareError } from './errors';
import { copyTree, listTree, mergeInto, type PlaceMode } from './fs-ops';
import { fnmatch, globRelative } from './glob';
import type { ResolvedStep } from './manifest-validate';
import { unsafeRelativePath } from './paths';

/** What a verb runs with. */
export interface FilterContext {
  /** The package being installed. */
  pkg: string;
  /** The step being run. */
  step: ResolvedStep;
  /** The input folder. */
  input: string;
  /** The output folder (exists; may already hold other terminal steps' results). */
  output: string;
  /** How files of the input are put in the output (`copy` when the input is the cache). */
  placeMode: PlaceMode;
  /** Returns a new empty scratch folder inside the staging area. */
  scratch(): Promise<string>;
  /** Bounds on archives. */
  limits?: Partial<ArchiveLimits>;
}

/** The system programs `7z` and `unrar` steps use, and the Debian packages that provide them. */
const TOOLS = {
  '7z': { candidates: ['7zr', '7z', '7za', '7zz'], debian: '7zip' },
  unrar: { candidates: ['unrar'], debian: 'unrar' },
} as const;

function stepError(ctx: FilterContext, reason: string, cause?: unknown): Error {
  return firmwareError('PROVD_FETCHFW_STEP_FAILED', { pkg: ctx.pkg, step: ctx.step.text, reason }, { cause });
}

/** Expands globs over the input; throws when nothing matches. */
async function matches(ctx: FilterContext, patterns: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const p of patterns) for (const m of await globRelative(ctx.input, p)) found.add(m);
  if (found.size === 0) throw firmwareError('PROVD_FETCHFW_NO_MATCH', { pkg: ctx.pkg, step: ctx.step.text, patterns });
  return [...found].sort();
}

async function fileMatches(ctx: FilterContext, pattern: string): Promise<string[]> {
  const all = await matches(ctx, [pattern]);
  for (const m of all) {
    if (!(await lstat(join(ctx.input, m))).isFile()) throw stepError(ctx, `${JSON.stringify(m)} is not a file`);
  }
  return all;
}

async function extractEach(ctx: FilterContext): Promise<void> {
  for (const m of await fileMatches(ctx, ctx.step.args[0] ?? '')) {
    const dir = await ctx.scratch();
    const format = ctx.step.command === 'unzip' ? 'zip' : undefined;
    const entries = await extractArchive(join(ctx.input, m), dir, { ...ctx.limits, name: m, ...(format ? { format } : {}) });
    // The extractor refuses links leading out; the ones inside are dropped too: installed files are plain files.
    for (const e of entries) if (e.type === 'symlink') await rm(join(dir, e.path), { force: true });
    await mergeInto(dir, ctx.output);
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a bounded run of an external extractor ended with. */
interface RunResult {
  code: number | null;
  stderr: string;
  missing: boolean;
  /** Set when the run was stopped because what it wrote went past a bound. */
  overLimit?: string;
}

/** Bytes of every file under `dir` (a missing folder has none). */
async function bytesUnder(dir: string): Promise<{ total: number; largest: number }> {
  let total = 0;
  let largest = 0;
  for (const e of await listTree(dir).catch(() => [])) {
    total += e.size;
    largest = Math.max(largest, e.size);
  }
  return { total, largest };
}

/**
 * Runs an external extractor writing into `dir`, enforcing the archive bounds while it writes: the operating system
 * stops any file growing past the entry bound (`prlimit --fsize`, when available), and the folder is measured every
 * 20 ms; past the total bound the program is killed. So a small archive that unpacks to gigabytes writes at most
 * about the bound before it is stopped.
 */
function run(program: string, args: readonly string[], dir?: string, limits?: { maxEntrySize: number; maxTotalSize: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const bounded = dir !== undefined && limits !== undefined;
    const argv = bounded && hasPrlimit() ? ['prlimit', `--fsize=${limits.maxEntrySize + 1}`, '--', program, ...args] : [program, ...args];
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    let overLimit: string | undefined;
    let measuring = false;
    const watchdog = bounded
      ? setInterval(() => {
          if (measuring || overLimit) return;
          measuring = true;
          void bytesUnder(dir).then(({ total, largest }) => {
            measuring = false;
            if (largest > limits.maxEntrySize) overLimit = `an entry unpacks to more than ${limits.maxEntrySize} bytes`;
            else if (total > limits.maxTotalSize) overLimit = `it unpacks to more than ${limits.maxTotalSize} bytes`;
            if (overLimit) child.kill('SIGKILL');
          });
        }, 20)
      : undefined;
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearInterval(watchdog);
      resolve({ code: null, stderr: e.message, missing: e.code === 'ENOENT' });
    });
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      const stderr = Buffer.concat(err).toString('utf8').trim();
      // prlimit reports a missing program itself (exit 127 / "failed to execute")
      const missing = bounded && hasPrlimit() && code !== 0 && /failed to execute|No such file/.test(stderr);
      // the entry bound of prlimit: the program is killed (SIGXFSZ) or its write fails (EFBIG, "File too large")
      if (bounded && !overLimit && (signal === 'SIGXFSZ' || (code !== 0 && /file too large|EFBIG/i.test(stderr)))) overLimit = `an entry unpacks to more than ${limits.maxEntrySize} bytes`;
      resolve({ code, stderr, missing, ...(overLimit ? { overLimit } : {}) });
    });
  });
}

let prlimitFound: boolean | undefined;
/** Whether util-linux's `prlimit` is on the PATH (then it bounds each file the extractor writes). */
function hasPrlimit(): boolean {
  prlimitFound ??= (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'prlimit')));
  return prlimitFound;
}

async function externalExtract(ctx: FilterContext, tool: '7z' | 'unrar'): Promise<void> {
  const spec = TOOLS[tool];
  for (const m of await fileMatches(ctx, ctx.step.args[0] ?? '')) {
    const dir = await ctx.scratch();
    const archive = join(ctx.input, m);
    let result: Awaited<ReturnType<typeof run>> | undefined;
    const bounds = { maxEntrySize: ctx.limits?.maxEntrySize ?? 512 * 1024 ** 2, maxTotalSize: ctx.limits?.maxTotalSize ?? 2 * 1024 ** 3 };
    for (const program of spec.candidates) {
      result = await run(program, tool === '7z' ? ['e', '-bd', '-y', `-o${dir}`, archive] : ['e', '-idq', '-y', archive, `${dir}/`], dir, bounds);
      if (!result.missing) break;
    }
    if (result?.overLimit) {
      await rm(dir, { recursive: true, force: true });
      throw stepError(ctx, `${JSON.stringify(m)} was stopped while unpacking: ${result.overLimit}`);
    }
    if (!result || result.missing) {
      throw firmwareError('PROVD_FETCHFW_TOOL_MISSING', { tool: spec.candidates.join('" or "'), debianPackage: spec.debian, pkg: ctx.pkg, step: ctx.step.text });
    }
    if (result.code !== 0) throw stepError(ctx, `${tool} failed on ${JSON.stringify(m)} (exit status ${result.code}): ${result.stderr || 'no message'}`);
    let total = 0;
    for (const e of await listTree(dir)) {
      if (e.type === 'other') throw stepError(ctx, `${JSON.stringify(m)} holds ${JSON.stringify(e.path)}, a link or special file; refusing it`);
      total += e.size;
    }
    const limit = ctx.limits?.maxTotalSize ?? 2 * 1024 ** 3;
    if (total > limit) throw stepError(ctx, `${JSON.stringify(m)} unpacks to ${total} bytes, over the limit of ${limit}`);
    await mergeInto(dir, ctx.output);
    await rm(dir, { recursive: true, force: true });
  }
}

async function unsign(ctx: FilterContext): Promise<void> {
  const [pattern = '', name = ''] = ctx.step.args;
  checkDestination(ctx, name);
  const found = await fileMatches(ctx, pattern);
  if (found.length !== 1) throw stepError(ctx, `${JSON.stringify(pattern)} must match exactly one file, matched ${found.length}: ${found.join(', ')}`);
  const src = join(ctx.input, found[0] as string);
  const handle = await open(src, 'r');
  let offset = -1;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(512), 0, 512, 0);
    for (let i = 0; i + 1 < bytesRead; i++) {
      if (buffer[i] === 0x1f && buffer[i + 1] === 0x8b) {
        offset = i;
        break;
      }
    }
  } finally {
    await handle.close();
  }
  if (offset < 0) throw stepError(ctx, `${JSON.stringify(found[0])} has no gzip data in its first 512 bytes, so it is not a signed archive`);
  const dst = join(ctx.output, name);
  await mkdir(dirname(dst), { recursive: true });
  await rm(dst, { force: true, recursive: true });
  await pipeline(createReadStream(src, { start: offset }), createWriteStream(dst, { flags: 'wx' }));
}

/** Copies entries of the input whose path matches (`include`) or does not match (`exclude`) the patterns. */
async function select(ctx: FilterContext, keep: boolean, prefix = ''): Promise<void> {
  for (const name of (await readdir(join(ctx.input, prefix))).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const src = join(ctx.input, rel);
    const dst = join(ctx.output, rel);
    const isDir = (await lstat(src)).isDirectory();
    const matched = ctx.step.args.some((p) => fnmatch(rel, p));
    const refuse = (sub: string) => stepError(ctx, `${JSON.stringify(sub ? `${rel}/${sub}` : rel)} is a link or special file; refusing it`);
    if (keep) {
      // A matched folder comes with its whole subtree; an unmatched folder is skipped with its subtree.
      if (matched) await copyTree(src, dst, ctx.placeMode, refuse);
    } else if (!matched) {
      if (isDir) {
        await mkdir(dst, { recursive: true });
        await select(ctx, keep, rel);
      } else await copyTree(src, dst, ctx.placeMode, refuse);
    }
  }
}

/** Refuses an output name that would leave the output folder (also checked when the manifest is read). */
function checkDestination(ctx: FilterContext, dest: string): void {
  const why = unsafeRelativePath(dest.endsWith('/') ? dest.slice(0, -1) || '.' : dest);
  if (why) throw stepError(ctx, `destination ${JSON.stringify(dest)} is not a safe relative path: ${why}`);
}

async function cp(ctx: FilterContext): Promise<void> {
  const args = ctx.step.args;
  const dest = args[args.length - 1] ?? '';
  checkDestination(ctx, dest);
  const found = await matches(ctx, args.slice(0, -1));
  const refuse = (m: string) => (rel: string) => stepError(ctx, `${JSON.stringify(rel ? `${m}/${rel}` : m)} is a link or special file; refusing it`);
  if (dest.endsWith('/')) {
    const dir = join(ctx.output, dest);
    const st = await lstat(dir).catch(() => undefined);
    if (st && !st.isDirectory()) throw stepError(ctx, `destination ${JSON.stringify(dest)} exists and is not a folder`);
    await mkdir(dir, { recursive: true });
    for (const m of found) await copyTree(join(ctx.input, m), join(dir, m.slice(m.lastIndexOf('/') + 1)), ctx.placeMode, refuse(m));
    return;
  }
  if (found.length !== 1) throw stepError(ctx, `destination ${JSON.stringify(dest)} is a file name, but the patterns matched ${found.length} entries (${found.join(', ')}); end the destination with "/" to copy into a folder`);
  const only = found[0] as string;
  if (!(await lstat(join(ctx.input, only))).isFile()) throw stepError(ctx, `${JSON.stringify(only)} is a folder; a file destination needs a file (end the destination with "/" to copy a folder)`);
  const target = join(ctx.output, dest);
  const st = await lstat(target).catch(() => undefined);
  if (st?.isDirectory()) throw stepError(ctx, `destination ${JSON.stringify(dest)} exists and is a folder`);
  await copyTree(join(ctx.input, only), target, ctx.placeMode, refuse(only));
}

/**
 * Runs one install step.
 *
 * @example
 * ```ts
 * await runFilter({ pkg: 'firmware', step, input, output, placeMode: 'link', scratch });
 * ```
 */
export async function runFilter(ctx: FilterContext): Promise<void> {
  switch (ctx.step.command) {
    case 'untar':
    case 'unzip':
      return extractEach(ctx);
    case '7z':
    case 'unrar':
      return externalExtract(ctx, ctx.step.command);
    case 'unsign':
      return unsign(ctx);
    case 'include':
      return select(ctx, true);
    case 'exclude':
      return select(ctx, false);
    case 'cp':
      return cp(ctx);
    case 'null':
      return;
  }
}
