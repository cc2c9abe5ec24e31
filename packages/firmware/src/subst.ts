/**
 * `$NAME` / `${NAME}` substitution in install-step tokens (contract §8.6): `$FILE1..n` are the cache names of a
 * package's files, `$ARG1..n` the extra tokens of its `install` key; `\$` is a literal `$`. Substituted values are not
 * scanned again.
 */

/** A successful {@link substitute}. */
export interface SubstitutionOk {
  /** Always `true`. */
  ok: true;
  /** The text with its variables replaced. */
  value: string;
}

/** A failed {@link substitute}. */
export interface SubstitutionFailure {
  /** Always `false`. */
  ok: false;
  /** What is wrong (an undefined variable, a lone `$`). */
  message: string;
}

/** The outcome of {@link substitute}: the new text, or what went wrong. */
export type SubstitutionResult = SubstitutionOk | SubstitutionFailure;

const VARIABLE = /\\\$|\$\{(\w*)\}|\$(\w*)/g;

/**
 * Replaces `$NAME` and `${NAME}` in `text` with `vars[NAME]` (names are case-sensitive); `\$` gives `$`.
 *
 * @example
 * ```ts
 * substitute('binary/$ARG1', { ARG1: 'KX-UT113' }); // { ok: true, value: 'binary/KX-UT113' }
 * ```
 */
export function substitute(text: string, vars: Readonly<Record<string, string>>): SubstitutionResult {
  let problem: string | undefined;
  const value = text.replace(VARIABLE, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '\\$') return '$';
    const name = braced ?? bare ?? '';
    if (name === '') {
      problem ??= `a lone "$" in ${JSON.stringify(text)}: write "\\$" for a literal dollar sign`;
      return whole;
    }
    const found = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (found === undefined) {
      const known = Object.keys(vars);
      problem ??= `undefined variable "$${name}" in ${JSON.stringify(text)} (defined here: ${known.length > 0 ? known.map((k) => `"$${k}"`).join(', ') : 'none'})`;
      return whole;
    }
    return found;
  });
  return problem === undefined ? { ok: true, value } : { ok: false, message: problem };
}
