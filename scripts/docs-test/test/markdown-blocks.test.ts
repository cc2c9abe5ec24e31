import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { testdir } from '@provd/test-utils';
import { describe, expect, it } from 'vitest';
import { codeBlocks, runPage, typecheckPages } from '../src/index';

const fence = '```';
const snippetRoot = fileURLToPath(new URL('../.work', import.meta.url));

describe('codeBlocks', () => {
  it('returns every fenced block with the mark of the comment before it', () => {
    const page = ['# T', '', '<!-- test: run exit 1 -->', `${fence}sh`, 'false', fence, 'text', `${fence}json`, '{}', fence, '<!-- test: file a/b.ts -->', `${fence}ts`, 'x', fence, ''].join('\n');
    expect(codeBlocks(page, 'p.md')).toEqual([
      { lang: 'sh', text: 'false\n', line: 4, mark: { kind: 'run', status: 1 } },
      { lang: 'json', text: '{}\n', line: 8 },
      { lang: 'ts', text: 'x\n', line: 12, mark: { kind: 'file', path: 'a/b.ts' } },
    ]);
  });

  it('refuses an unknown mark, a mark without a block and an unclosed block', () => {
    expect(() => codeBlocks('<!-- test: runn -->\n```sh\nx\n```\n', 'p.md')).toThrow('p.md:1: unknown test mark');
    expect(() => codeBlocks('<!-- test: write ../x -->\n```sh\nx\n```\n', 'p.md')).toThrow('unknown test mark');
    expect(() => codeBlocks('<!-- test: run -->\ntext\n```sh\nx\n```\n', 'p.md')).toThrow('p.md:2: a test mark must be followed by a code block');
    expect(() => codeBlocks('```sh\nx\n', 'p.md')).toThrow('p.md:1: code block never closed');
  });
});

describe('runPage', () => {
  it('runs shell blocks, compares their output, writes files and runs TypeScript', async () => {
    const dir = await testdir({
      'docs/page.md': [
        '<!-- test: write input.txt -->',
        `${fence}text`,
        'hello',
        fence,
        '<!-- test: run -->',
        `${fence}sh`,
        'tr a-z A-Z < /tmp/guide/input.txt',
        fence,
        '<!-- test: output -->',
        `${fence}text`,
        'HELLO',
        fence,
        '<!-- test: ts -->',
        `${fence}ts`,
        "import { join } from 'node:path';",
        "if (join('a', '..', 'b') !== 'b') throw new Error('bad');",
        fence,
        '',
      ].join('\n'),
    });
    try {
      const report = await runPage(dir.join('docs', 'page.md'), { repoRoot: dir.path, snippetRoot });
      expect(report).toEqual(['write docs/page.md:2', 'run docs/page.md:6', 'output docs/page.md:10', 'ts docs/page.md:14']);
      expect(await typecheckPages([dir.join('docs', 'page.md')], snippetRoot)).toBe(1);
    } finally {
      await dir.cleanup();
    }
  });

  it('names the page and line of a block that does not do what the page says', async () => {
    const dir = await testdir({
      'docs/a.md': `<!-- test: run -->\n${fence}sh\necho one\n${fence}\n<!-- test: output -->\n${fence}text\ntwo\n${fence}\n`,
      'docs/b.md': `${fence}sh\necho untested\n${fence}\n`,
      'docs/c.md': `<!-- test: file missing.ts -->\n${fence}ts\nx\n${fence}\n`,
    });
    const options = { repoRoot: dir.path, snippetRoot };
    try {
      await expect(runPage(dir.join('docs', 'a.md'), options)).rejects.toThrow('docs/a.md:6: the command printed something else on stdout:\none');
      await expect(runPage(dir.join('docs', 'b.md'), options)).rejects.toThrow('docs/b.md:1: a "sh" block needs a test mark');
      await expect(runPage(dir.join('docs', 'c.md'), options)).rejects.toThrow('docs/c.md:2: the block shows "missing.ts", which does not exist');
      await writeFile(dir.join('docs', 'd.md'), `<!-- test: ts -->\n${fence}ts\nconst n: number = 'one';\n${fence}\n`);
      await expect(typecheckPages([dir.join('docs', 'd.md')], snippetRoot)).rejects.toThrow(/d-line-2\.ts\(1,7\): error TS2322/);
    } finally {
      await dir.cleanup();
    }
  });
});
