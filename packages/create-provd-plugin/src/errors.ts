import { ProvdError, type ProvdErrorCode } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The messages of the scaffold's error codes (documented in `docs/errors.md`). */
const messages = {
  PROVD_CREATE_INVALID_ANSWERS: (a: { problems: readonly string[] }) => ({
    message: `the answers cannot make a plugin family: ${a.problems.join('; ')}`,
  }),
  PROVD_CREATE_MISSING_ANSWERS: (a: { flags: readonly string[] }) => ({
    message: `no terminal to ask on, and ${a.flags.join(', ')} ${a.flags.length === 1 ? 'is' : 'are'} missing: give ${a.flags.length === 1 ? 'it as a flag' : 'them as flags'} (run "create-provd-plugin --help")`,
  }),
  PROVD_CREATE_TARGET_NOT_EMPTY: (a: { dir: string }) => ({
    message: `the folder ${q(a.dir)} exists and is not empty: nothing was written; give another folder (as the first argument) or remove that one`,
    file: a.dir,
  }),
  PROVD_CREATE_FAMILY_EXISTS: (a: { family: string; file: string }) => ({
    message: `the repository already has a family named ${q(a.family)} (${a.file}): nothing was written; choose another name with --family`,
    file: a.file,
  }),
  PROVD_CREATE_WRITE_FAILED: (a: { dir: string; reason: string }) => ({
    message: `could not write the plugin family to ${q(a.dir)}: ${a.reason}; nothing was left behind`,
    file: a.dir,
  }),
} as const;

/** The error codes of `create-provd-plugin`. */
export type CreateErrorCode = keyof typeof messages;

/**
 * Creates the `ProvdError` of one of the scaffold's codes, its message built from `args`.
 *
 * @example
 * ```ts
 * throw createError('PROVD_CREATE_TARGET_NOT_EMPTY', { dir: 'provd-plugin-acme' });
 * ```
 */
export function createError<C extends CreateErrorCode>(code: C, args: Parameters<(typeof messages)[C]>[0], options: { cause?: unknown } = {}): ProvdError {
  const spec = (messages[code] as (a: typeof args) => { message: string; file?: string })(args);
  return new ProvdError(code as unknown as ProvdErrorCode, spec.message, { file: spec.file, cause: options.cause });
}
