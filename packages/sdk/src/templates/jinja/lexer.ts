/**
 * The Jinja2 lexer, with Jinja2's default delimiters and settings (`{{ }}`, `{% %}`, `{# #}`, no line statements,
 * no `trim_blocks`/`lstrip_blocks`, `keep_trailing_newline=False`, newlines as `\n`).
 */

/** A token of template source. */
export interface Token {
  /** `data`, `var_begin`, `var_end`, `block_begin`, `block_end`, `name`, `string`, `integer`, `float`, `eof`, or an operator (`+`, `//`, `(`...). */
  t: string;
  /** The text of data, names and operators; the value of strings and numbers. */
  v: string | number;
  /** 1-based line. */
  line: number;
}

/** A syntax error with the line it is on. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Python's whitespace (`str.isspace`, the `\s` of `re`). */
const WS = '[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const TRAILING_WS = new RegExp(`${WS}+$`);
const LEADING_WS = new RegExp(`^${WS}*`);
const WS_RUN = new RegExp(`${WS}+`, 'y');

/** `str.rstrip()`. */
export function pyRstrip(s: string): string {
  return s.replace(TRAILING_WS, '');
}

const FLOAT = /(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /(?:0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*)/iy;
const NAME = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/uy;
const STRING = /'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"/sy;
const OPERATOR = /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y;
const RAW_BEGIN = new RegExp(`\\{%([-+]?)${WS}*raw${WS}*(?:-%\\}${WS}*|%\\})`, 'y');
const RAW_END = new RegExp(`\\{%([-+]?)${WS}*endraw${WS}*(?:\\+%\\}|-%\\}${WS}*|%\\})`, 'g');
const COMMENT_END = new RegExp(`-#\\}${WS}*|#\\}`, 'g');
const BLOCK_END = new RegExp(`\\+%\\}|-%\\}${WS}*|%\\}`, 'y');
const VAR_END = new RegExp(`-\\}\\}${WS}*|\\}\\}`, 'y');
const BEGIN = /\{[{%#]/g;

/** Source as Jinja2 sees it: newlines as `\n`, one trailing newline dropped. */
export function normalizeNewlines(src: string): string {
  const text = src.replace(/\r\n?/g, '\n');
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** Decodes the escapes of a string literal as Python's `unicode-escape` codec does. */
function unescape(body: string, line: number): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(?:([0-7]{1,3})|x(.{0,2})|u(.{0,4})|U(.{0,8})|N(\{[^}]*\})?|([\s\S]))/g, (m, oct?: string, x?: string, u?: string, U?: string, n?: string, other?: string) => {
    if (oct !== undefined) return String.fromCodePoint(parseInt(oct, 8));
    for (const [digits, width] of [[x, 2], [u, 4], [U, 8]] as const) {
      if (digits === undefined) continue;
      if (digits.length !== width || !/^[0-9a-f]+$/i.test(digits)) throw new TemplateSyntaxError(`truncated \\${m[1]} escape in a string`, line);
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff) throw new TemplateSyntaxError('illegal Unicode character in a string', line);
      return String.fromCodePoint(cp);
    }
    if (n !== undefined || m === '\\N') throw new TemplateSyntaxError('unsupported: \\N{...} escapes in strings', line);
    switch (other) {
      case '\n':
        return '';
      case '\\':
        return '\\';
      case "'":
        return "'";
      case '"':
        return '"';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      default:
        return m;
    }
  });
}

const CLOSING: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** Splits normalised template source into tokens. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  const advance = (to: number): void => {
    for (let i = pos; i < to; i++) if (source.charCodeAt(i) === 10) line++;
    pos = to;
  };
  const data = (text: string, atLine: number): void => {
    if (text !== '') tokens.push({ t: 'data', v: text, line: atLine });
  };
  while (pos < source.length) {
    BEGIN.lastIndex = pos;
    const begin = BEGIN.exec(source);
    if (!begin) {
      data(source.slice(pos), line);
      advance(source.length);
      break;
    }
    const start = begin.index;
    const kind = source[start + 1] as '{' | '%' | '#';
    const modifier = source[start + 2];
    const strip = modifier === '-';
    let text = source.slice(pos, start);
    const textLine = line;
    if (kind === '%') {
      RAW_BEGIN.lastIndex = start;
      const raw = RAW_BEGIN.exec(source);
      if (raw) {
        if (raw[1] === '-') text = pyRstrip(text);
        data(text, textLine);
        advance(start + raw[0].length);
        RAW_END.lastIndex = pos;
        const end = RAW_END.exec(source);
        if (!end) throw new TemplateSyntaxError('Missing end of raw directive', line);
        let body = source.slice(pos, end.index);
        if (end[1] === '-') body = pyRstrip(body);
        data(body, line);
        advance(end.index + end[0].length);
        continue;
      }
    }
    if (strip) text = pyRstrip(text);
    data(text, textLine);
    advance(start + 2 + (modifier === '-' || modifier === '+' ? 1 : 0));
    if (kind === '#') {
      COMMENT_END.lastIndex = pos;
      const end = COMMENT_END.exec(source);
      if (!end) throw new TemplateSyntaxError('Missing end of comment tag', line);
      advance(end.index + end[0].length);
      continue;
    }
    const beginLine = line;
    tokens.push({ t: kind === '{' ? 'var_begin' : 'block_begin', v: '', line });
    const endRe = kind === '{' ? VAR_END : BLOCK_END;
    const stack: string[] = [];
    for (;;) {
      if (pos >= source.length) {
        throw new TemplateSyntaxError(`unexpected end of template, expected '${kind === '{' ? 'end of print statement' : 'end of statement block'}'`, beginLine);
      }
      if (stack.length === 0) {
        endRe.lastIndex = pos;
        const end = endRe.exec(source);
        if (end) {
          tokens.push({ t: kind === '{' ? 'var_end' : 'block_end', v: '', line });
          advance(pos + end[0].length);
          break;
        }
      }
      WS_RUN.lastIndex = pos;
      const ws = WS_RUN.exec(source);
      if (ws) {
        advance(pos + ws[0].length);
        continue;
      }
      FLOAT.lastIndex = pos;
      const fl = source[pos - 1] === '.' ? null : FLOAT.exec(source);
      if (fl) {
        tokens.push({ t: 'float', v: Number(fl[0].replace(/_/g, '')), line });
        advance(pos + fl[0].length);
        continue;
      }
      INTEGER.lastIndex = pos;
      const int = INTEGER.exec(source);
      if (int) {
        const digits = int[0].replace(/_/g, '').toLowerCase();
        const value = digits.startsWith('0b') ? parseInt(digits.slice(2), 2) : digits.startsWith('0o') ? parseInt(digits.slice(2), 8) : Number(digits);
        if (!Number.isSafeInteger(value)) throw new TemplateSyntaxError(`unsupported: integer literal ${int[0]} is too large`, line);
        tokens.push({ t: 'integer', v: value, line });
        advance(pos + int[0].length);
        continue;
      }
      NAME.lastIndex = pos;
      const name = NAME.exec(source);
      if (name) {
        tokens.push({ t: 'name', v: name[0], line });
        advance(pos + name[0].length);
        continue;
      }
      STRING.lastIndex = pos;
      const str = STRING.exec(source);
      if (str) {
        tokens.push({ t: 'string', v: unescape(str[1] ?? str[2] ?? '', line), line });
        advance(pos + str[0].length);
        continue;
      }
      OPERATOR.lastIndex = pos;
      const op = OPERATOR.exec(source);
      if (op) {
        const o = op[0];
        if (o === '(' || o === '[' || o === '{') stack.push(o);
        else if (o === ')' || o === ']' || o === '}') {
          if (stack.length === 0) throw new TemplateSyntaxError(`unexpected '${o}'`, line);
          const open = stack.pop();
          if (open !== CLOSING[o]) throw new TemplateSyntaxError(`unexpected '${o}', expected '${open === '(' ? ')' : open === '[' ? ']' : '}'}'`, line);
        }
        tokens.push({ t: o, v: o, line });
        advance(pos + o.length);
        continue;
      }
      throw new TemplateSyntaxError(`unexpected char ${JSON.stringify(source[pos])} at ${pos}`, line);
    }
  }
  tokens.push({ t: 'eof', v: '', line });
  return tokens;
}

export { LEADING_WS };
