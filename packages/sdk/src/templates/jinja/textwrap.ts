/**
 * Python's `textwrap.wrap` as Jinja2's `wordwrap` filter calls it (`expand_tabs=False`, `replace_whitespace=False`,
 * `drop_whitespace=True`, no indents), for the `wordwrap` filter.
 */
import { chars } from './values';

const WS = '[\\t\\n\\x0b\\x0c\\r ]';
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]';
const WP = "[\\p{L}\\p{N}_!\"'&.,?]";
const LT = '[\\p{L}_]';
/** textwrap's `wordsep_re`: whitespace runs, em-dashes between words, words (split after their hyphens). */
const WORDSEP = new RegExp(`(${WS}+|(?<=${WP})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}[\\p{L}\\p{N}_])))`, 'u');
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`);

const len = (s: string): number => chars(s).length;
const isBlank = (s: string): boolean => /^[\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(s);

/** `textwrap.wrap(text, width, ...)`. */
export function wrap(text: string, width: number, breakLongWords: boolean, breakOnHyphens: boolean): string[] {
  const chunks = text.split(breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c !== '');
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let used = 0;
    if (isBlank(chunks[chunks.length - 1] as string) && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const l = len(chunks[chunks.length - 1] as string);
      if (used + l <= width) {
        line.push(chunks.pop() as string);
        used += l;
      } else break;
    }
    if (chunks.length > 0 && len(chunks[chunks.length - 1] as string) > width) {
      const spaceLeft = width < 1 ? 1 : width - used;
      if (breakLongWords) {
        const chunk = chars(chunks[chunks.length - 1] as string);
        let end = spaceLeft;
        if (breakOnHyphens && chunk.length > spaceLeft) {
          const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
          if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
        }
        line.push(chunk.slice(0, end).join(''));
        chunks[chunks.length - 1] = chunk.slice(end).join('');
      } else if (line.length === 0) line.push(chunks.pop() as string);
    }
    if (line.length > 0 && isBlank(line[line.length - 1] as string)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
