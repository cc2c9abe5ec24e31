/** What the test does with a fenced block, from the `<!-- test: ... -->` comment on the line before it. */
export type BlockMark =
  /** A `sh` block run with bash in the page's working folder; it must exit with `status` (0 unless `run exit N`). */
  | { kind: 'run'; status: number }
  /** A `sh` block started in the background; the page goes on once it printed one line on stdout. */
  | { kind: 'background' }
  /** The exact stdout of the last `run` block. */
  | { kind: 'output' }
  /** The exact stderr of the last `run` block. */
  | { kind: 'stderr' }
  /** A `ts` block, typechecked against the SDK's sources and executed. */
  | { kind: 'ts' }
  /** A block equal to a file of the repository (`path` relative to the repository root). */
  | { kind: 'file'; path: string }
  /** A block written to a file of the page's working folder before the next block runs. */
  | { kind: 'write'; path: string };

/** One fenced code block of a page. */
export interface CodeBlock {
  /** The fence's language tag (`sh`, `ts`, `text`, ...), or `''`. */
  lang: string;
  /** The text between the fences, with a final newline. */
  text: string;
  /** The 1-based line of the opening fence. */
  line: number;
  /** The test mark, when the line before the fence is a `<!-- test: ... -->` comment. */
  mark?: BlockMark;
}

const MARK = /^<!--\s*test:\s*(.*?)\s*-->$/;
const FENCE = /^(```+)\s*([\w-]*)/;

/** Reads the mark of a `<!-- test: ... -->` comment; throws on an unknown one so that a typo cannot skip a block. */
export function parseMark(spec: string, where: string): BlockMark {
  const [kind, ...rest] = spec.split(/\s+/);
  const arg = rest.join(' ');
  switch (kind) {
    case 'run': {
      if (arg === '') return { kind: 'run', status: 0 };
      const m = /^exit (\d+)$/.exec(arg);
      if (m) return { kind: 'run', status: Number(m[1]) };
      break;
    }
    case 'background':
    case 'output':
    case 'stderr':
    case 'ts':
      if (arg === '') return { kind };
      break;
    case 'file':
    case 'write':
      if (arg !== '' && !arg.includes('..') && !arg.startsWith('/')) return { kind, path: arg };
      break;
  }
  throw new Error(`${where}: unknown test mark "<!-- test: ${spec} -->"`);
}

/**
 * The fenced code blocks of a Markdown page, in order, each with its test mark.
 *
 * @example
 * ```ts
 * codeBlocks('<!-- test: run -->\n```sh\necho hi\n```\n', 'page.md'); // [{ lang: 'sh', text: 'echo hi\n', line: 2, mark: { kind: 'run', status: 0 } }]
 * ```
 */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  let pending: BlockMark | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const mark = MARK.exec(line.trim());
    if (mark) {
      pending = parseMark(mark[1] as string, `${file}:${i + 1}`);
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (pending && line.trim() !== '') throw new Error(`${file}:${i + 1}: a test mark must be followed by a code block`);
      continue;
    }
    const close = fence[1] as string;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.trimEnd() !== close; i++) body.push(lines[i] as string);
    if (i >= lines.length) throw new Error(`${file}:${start + 1}: code block never closed`);
    blocks.push({ lang: fence[2] ?? '', text: `${body.join('\n')}\n`, line: start + 1, ...(pending ? { mark: pending } : {}) });
    pending = undefined;
  }
  if (pending) throw new Error(`${file}: a test mark at the end of the page has no code block`);
  return blocks;
}
