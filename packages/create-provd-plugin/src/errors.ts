/**
 * The error codes of the scaffold (`create-provd-plugin`).
 * Every code here has a section in `docs/errors.md` under `create-provd-plugin` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `create-provd-plugin`: its codes and their definitions. */
export const createErrors = defineErrors('create-provd-plugin', {
  PROVD_CREATE_INVALID_ANSWERS: {
    message: (a: { problems: readonly string[] }) => ({ message: `the answers cannot make a plugin family: ${a.problems.join('; ')}` }),
  },
  PROVD_CREATE_MISSING_ANSWERS: {
    message: (a: { flags: readonly string[] }) => ({
      message: `no terminal to ask on, and ${a.flags.join(', ')} ${a.flags.length === 1 ? 'is' : 'are'} missing: give ${a.flags.length === 1 ? 'it as a flag' : 'them as flags'} (run "create-provd-plugin --help")`,
    }),
  },
  PROVD_CREATE_TARGET_NOT_EMPTY: {
    status: 409,
    message: (a: { dir: string }) => ({
      message: `the folder ${q(a.dir)} exists and is not empty: nothing was written; give another folder (as the first argument) or remove that one`,
      file: a.dir,
    }),
  },
  PROVD_CREATE_FAMILY_EXISTS: {
    status: 409,
    message: (a: { family: string; file: string }) => ({
      message: `the repository already has a family named ${q(a.family)} (${a.file}): nothing was written; choose another name with --family`,
      file: a.file,
    }),
  },
  PROVD_CREATE_WRITE_FAILED: {
    message: (a: { dir: string; reason: string }) => ({
      message: `could not write the plugin family to ${q(a.dir)}: ${a.reason}; nothing was left behind`,
      file: a.dir,
    }),
  },
});

/** The error codes of `create-provd-plugin`. */
export type CreateErrorCode = CodeOf<typeof createErrors>;

/**
 * Creates the `ProvdError` of one of the scaffold's codes, its message built from `args`.
 *
 * @example
 * ```ts
 * throw createError('PROVD_CREATE_TARGET_NOT_EMPTY', { dir: 'provd-plugin-acme' });
 * ```
 */
export const createError: ErrorFactory<typeof createErrors> = createErrors.create;
