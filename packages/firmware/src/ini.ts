/**
 * A reader for the INI dialect of the established `pkgs.db` files (Python `RawConfigParser` in strict mode): `key: value`
 * or `key = value`, full-line `#`/`;` comments, indented continuation lines joined with `\n`, lower-cased keys, no
 * interpolation and no inline comments. It never throws: syntax problems come back as diagnostics with their line.
 */

/** One `key: value` entry of an INI section, with the line it starts on. */
export interface IniEntry {
  /** The key, lower-cased as the established parser does. */
  key: string;
  /** The value, continuation lines joined with `\n`, trailing blanks removed. */
  value: string;
  /** The 1-based line of the key. */
  line: number;
}

/** One `[name]` section of an INI file. */
export interface IniSection {
  /** The section name between the brackets. */
  name: string;
  /** The 1-based line of the header. */
  line: number;
  /** The entries in file order. */
  entries: IniEntry[];
}

/** A syntax problem found while reading an INI file. */
export interface IniProblem {
  /** The 1-based line. */
  line: number;
  /** The section the line belongs to, if any. */
  section?: string;
  /** The key concerned, if any. */
  key?: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** The result of {@link parseIni}. */
export interface IniDocument {
  /** The sections in file order (a repeated section is reported once, in `problems`). */
  sections: IniSection[];
  /** Syntax problems; the document holds everything that could still be read. */
  problems: IniProblem[];
}

const COMMENT = /^[#;]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/**
 * Reads INI text the way the established `pkgs.db` reader does, collecting syntax problems instead of throwing.
 *
 * @example
 * ```ts
 * const { sections, problems } = parseIni('[pkg_fw]\nversion: 1.0\n');
 * ```
 */
export function parseIni(text: string): IniDocument {
  const sections: IniSection[] = [];
  const problems: IniProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let current: IniSection | undefined;
  let seenKeys = new Set<string>();
  let entry: { target: IniEntry; parts: string[]; indent: number } | undefined;
  const seenSections = new Set<string>();

  const flush = (): void => {
    if (!entry) return;
    entry.target.value = entry.parts.join('\n').replace(/\s+$/, '');
    entry = undefined;
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    const stripped = raw.trim();
    if (stripped === '') {
      if (entry) entry.parts.push('');
      return;
    }
    if (COMMENT.test(stripped)) return;
    const indent = raw.length - raw.trimStart().length;
    if (entry && indent > entry.indent) {
      entry.parts.push(stripped);
      return;
    }
    flush();
    if (stripped.startsWith('[') && stripped.includes(']')) {
      const name = stripped.slice(1, stripped.indexOf(']'));
      seenKeys = new Set();
      if (seenSections.has(name)) {
        problems.push({ line, section: name, message: `section "[${name}]" appears twice in the file; merge the two` });
        current = sections.find((s) => s.name === name);
        return;
      }
      seenSections.add(name);
      current = { name, line, entries: [] };
      sections.push(current);
      return;
    }
    if (!current) {
      problems.push({ line, message: `${JSON.stringify(stripped)} comes before any "[section]" header; start the file with a section` });
      return;
    }
    const match = OPTION.exec(stripped);
    const key = match?.[1]?.trim().toLowerCase() ?? '';
    if (!match || key === '') {
      problems.push({ line, section: current.name, message: `${JSON.stringify(stripped)} is not a "key: value" line` });
      return;
    }
    if (seenKeys.has(key)) {
      problems.push({ line, section: current.name, key, message: `key "${key}" appears twice in "[${current.name}]"; keep one` });
      return;
    }
    seenKeys.add(key);
    const target: IniEntry = { key, value: '', line };
    current.entries.push(target);
    entry = { target, parts: [match[3] ?? ''], indent };
  });
  flush();
  return { sections, problems };
}
