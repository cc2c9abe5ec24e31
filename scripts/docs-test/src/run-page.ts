import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { codeBlocks, type CodeBlock } from './markdown-blocks';
import { runShell, startBackgroundShell, type BackgroundShell, type ShellResult } from './shell';

/**
 * The scratch folder the pages use in their commands. A reader gets a real `/tmp/guide`; the test replaces the
 * name by a fresh temporary folder in every block, so that runs never share files.
 */
export const SCRATCH = '/tmp/guide';

/** The workspace this package belongs to: where tsc, the base tsconfig and the built command lines are. */
const WORKSPACE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Languages whose blocks must carry a test mark: a page shows no command or code that the test does not run. */
const MUST_BE_TESTED = new Set(['sh', 'bash', 'shell', 'console', 'ts', 'typescript', 'js', 'javascript']);

/** Options of {@link runPage}. */
export interface RunPageOptions {
  /** The repository root: the cwd of shell blocks (where a reader runs them) and the base of `file` marks and page names. */
  repoRoot: string;
  /** A folder inside the workspace where TypeScript snippets are written, so that they resolve `@provd/sdk`. */
  snippetRoot: string;
}

function at(file: string, block: CodeBlock): string {
  return `${file}:${block.line}`;
}

function describeRun(result: ShellResult): string {
  return `status ${result.status}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

/** The file a `ts` block of a page is written to: one ES module per block. */
function snippetName(page: string, block: CodeBlock): string {
  return `${basename(page, '.md').replace(/\W/g, '-')}-line-${block.line}.ts`;
}

/** A `ts` block as a module file: `/tmp/guide` replaced, and `export {}` so that it is a module even without imports. */
function snippetText(block: CodeBlock, scratch: string): string {
  return `${block.text.split(SCRATCH).join(scratch)}export {};\n`;
}

/**
 * Typechecks the `ts` blocks of `pages` together, in one tsc run against the workspace's sources (faster than one
 * run per page); throws tsc's report, which names each page's file and line, when one does not typecheck.
 */
export async function typecheckPages(pages: readonly string[], snippetRoot: string): Promise<number> {
  await mkdir(snippetRoot, { recursive: true });
  const dir = await mkdtemp(join(snippetRoot, 'typecheck-'));
  try {
    let count = 0;
    for (const page of pages) {
      for (const block of codeBlocks(await readFile(page, 'utf8'), page)) {
        if (block.mark?.kind !== 'ts') continue;
        await writeFile(join(dir, snippetName(page, block)), snippetText(block, SCRATCH));
        count++;
      }
    }
    if (count === 0) return 0;
    const config = join(dir, 'tsconfig.json');
    await writeFile(config, JSON.stringify({ extends: join(WORKSPACE, 'tsconfig.base.json'), include: ['*.ts'] }));
    const tsc = join(WORKSPACE, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', config, '--noEmit'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the TypeScript snippets do not typecheck (file names say page and line):\n${r.stdout}${r.stderr}`);
    return count;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs what a guide page shows, in order, and throws (naming the page and line) at the first block that does not do
 * what the page says. See `docs/README.md` for the marks. Returns one line per checked block. The `ts` blocks are
 * executed here but typechecked by {@link typecheckPages}.
 */
export async function runPage(page: string, options: RunPageOptions): Promise<string[]> {
  const name = relative(options.repoRoot, page);
  const blocks = codeBlocks(await readFile(page, 'utf8'), name);
  const unmarked = blocks.filter((b) => !b.mark && MUST_BE_TESTED.has(b.lang));
  if (unmarked.length > 0) {
    throw new Error(`${unmarked.map((b) => at(name, b)).join(', ')}: a "${unmarked[0]?.lang}" block needs a test mark (see docs/README.md)`);
  }
  const scratch = await mkdtemp(join(tmpdir(), 'provd-guide-'));
  await mkdir(options.snippetRoot, { recursive: true });
  const snippets = await mkdtemp(join(options.snippetRoot, 'run-'));
  const subst = (text: string): string => text.split(SCRATCH).join(scratch);
  const background: BackgroundShell[] = [];
  const report: string[] = [];
  try {
    const snippetFile = (b: CodeBlock): string => join(snippets, snippetName(page, b));
    let last: ShellResult | undefined;
    for (const block of blocks) {
      const mark = block.mark;
      if (!mark) continue;
      const here = at(name, block);
      switch (mark.kind) {
        case 'write': {
          const target = join(scratch, mark.path);
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, subst(block.text));
          break;
        }
        case 'file': {
          const actual = await readFile(join(options.repoRoot, mark.path), 'utf8').catch(() => undefined);
          if (actual === undefined) throw new Error(`${here}: the block shows "${mark.path}", which does not exist`);
          if (actual.replace(/\n$/, '') !== block.text.replace(/\n$/, '')) {
            throw new Error(`${here}: the block differs from "${mark.path}"; copy the file's current contents into the page`);
          }
          break;
        }
        case 'run': {
          last = await runShell(subst(block.text), options.repoRoot, WORKSPACE);
          if (last.status !== mark.status) throw new Error(`${here}: expected exit status ${mark.status}, got ${describeRun(last)}`);
          break;
        }
        case 'output':
        case 'stderr': {
          if (!last) throw new Error(`${here}: an ${mark.kind} block must follow a run block`);
          const actual = mark.kind === 'output' ? last.stdout : last.stderr;
          if (actual.trimEnd() !== subst(block.text).trimEnd()) {
            throw new Error(`${here}: the command printed something else on ${mark.kind === 'output' ? 'stdout' : 'stderr'}:\n${actual.split(scratch).join(SCRATCH)}`);
          }
          break;
        }
        case 'background':
          background.push(await startBackgroundShell(subst(block.text), options.repoRoot, WORKSPACE));
          break;
        case 'ts':
          await writeFile(snippetFile(block), snippetText(block, scratch));
          // Run from the repository root, as a reader does: relative paths in the snippet are the repository's.
          const cwd = process.cwd();
          process.chdir(options.repoRoot);
          try {
            await import(pathToFileURL(snippetFile(block)).href);
          } catch (err) {
            throw new Error(`${here}: the snippet failed: ${(err as Error).stack ?? String(err)}`, { cause: err });
          } finally {
            process.chdir(cwd);
          }
          break;
      }
      report.push(`${mark.kind} ${here}`);
    }
    return report;
  } finally {
    for (const shell of background.reverse()) await shell.stop();
    await rm(scratch, { recursive: true, force: true });
    await rm(snippets, { recursive: true, force: true });
  }
}
