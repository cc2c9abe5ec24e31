import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { codeBlocks, runPage, typecheckPages } from '../src/index';

const docs = join(repoRoot, 'docs');
const snippetRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '.work');

/** The guide pages in reading order (`1.concepts.md` ...), then the glossary. */
const guide = (await readdir(docs)).filter((name) => /^\d+\..+\.md$/.test(name)).sort((a, b) => parseInt(a) - parseInt(b));
const pages = [...guide, 'glossary.md', 'README.md'];

/** The relative link targets of a Markdown page (`[text](target)`), without anchors, external links left out. */
function relativeLinks(markdown: string): string[] {
  const outside = markdown.replace(/```[\s\S]*?```/g, '');
  return [...outside.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => (m[1] as string).split('#')[0] as string)
    .filter((target) => target !== '' && !/^[a-z]+:/.test(target));
}

describe('the guide', () => {
  it('has the seven numbered pages, and the index lists each of them, then the reference pages, in order', async () => {
    expect(guide.map((name) => parseInt(name))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const index = await readFile(join(docs, 'README.md'), 'utf8');
    const listed = relativeLinks(index).filter((target) => !target.includes('/'));
    expect(listed).toEqual([...guide, 'glossary.md', 'errors.md', 'decisions.md', 'host.md', 'rest-api.md']);
  });

  it('walks through every source file of examples/1.minimal-plugin on page 2', async () => {
    const example = 'examples/1.minimal-plugin';
    const plugin = await readdir(join(repoRoot, example, 'plugin'), { recursive: true, withFileTypes: true });
    const files = [
      ...['package.json', 'tsconfig.json', 'provd.family.ts'].map((f) => `${example}/${f}`),
      ...plugin.filter((e) => e.isFile()).map((e) => relative(repoRoot, join(e.parentPath, e.name))),
    ];
    const page = codeBlocks(await readFile(join(docs, guide[1] as string), 'utf8'), 'page');
    const shown = page.flatMap((b) => (b.mark?.kind === 'file' ? [b.mark.path] : []));
    expect(shown.sort()).toEqual(files.sort());
  });

  it('shows TypeScript that typechecks against the SDK', async () => {
    expect(await typecheckPages(pages.map((page) => join(docs, page)), snippetRoot)).toBeGreaterThan(0);
  });

  it.each(pages)('%s links only to files that exist', async (page) => {
    const broken = relativeLinks(await readFile(join(docs, page), 'utf8')).filter((target) => !existsSync(join(docs, target)));
    expect(broken).toEqual([]);
  });

  it.each(pages)('%s does what it shows', async (page) => {
    const report = await runPage(join(docs, page), { repoRoot, snippetRoot });
    // A page that shows code runs at least one block; the report lists each (kind and line) for a failing run.
    expect(report.every((line) => /^(run|background|output|stderr|ts|file|write) docs\//.test(line))).toBe(true);
  });
});
