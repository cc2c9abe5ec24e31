/**
 * The error codes of the test kit (`@provd/testing`).
 * Every code here has a section in `docs/errors.md` under `@provd/testing` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `@provd/testing`: its codes and their definitions. */
export const testingErrors = defineErrors('@provd/testing', {
  PROVD_TESTING_BUILD_FAILED: {
    message: (a: { dir: string; problems: readonly string[] }) => ({
      message:
        a.problems.length === 0
          ? `the folder ${q(a.dir)} holds no plugin family (no provd.family.ts): give the folder of the family file`
          : `the family of ${q(a.dir)} does not build (${a.problems.length} problem${a.problems.length === 1 ? '' : 's'}):\n  ${a.problems.join('\n  ')}`,
      file: a.dir,
    }),
  },
  PROVD_TESTING_NO_SUCH_PLUGIN: {
    status: 404,
    message: (a: { plugin: string; known: readonly string[] }) => ({
      message: `no plugin ${q(a.plugin)} here; the plugins are: ${a.known.length > 0 ? a.known.map(q).join(', ') : 'none'}`,
      plugin: a.plugin,
    }),
  },
  PROVD_TESTING_BAD_REQUEST: {
    message: (a: { what: string; problem: string }) => ({ message: `the simulated ${a.what} request is not one a phone can send: ${a.problem}` }),
  },
});

/** The error codes of `@provd/testing`. */
export type TestingErrorCode = CodeOf<typeof testingErrors>;

/**
 * Creates the `ProvdError` of one of the test kit's codes, its message built from `args`.
 *
 * @example
 * ```ts
 * throw testingError('PROVD_TESTING_NO_SUCH_PLUGIN', { plugin: 'acme-2.0', known: ['acme-1.0'] });
 * ```
 */
export const testingError: ErrorFactory<typeof testingErrors> = testingErrors.create;
