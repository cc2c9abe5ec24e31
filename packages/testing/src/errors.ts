import { ProvdError, type ProvdErrorCode } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The messages of the test kit's error codes (documented in `docs/errors.md`). */
const messages = {
  PROVD_TESTING_BUILD_FAILED: (a: { dir: string; problems: readonly string[] }) => ({
    message:
      a.problems.length === 0
        ? `the folder ${q(a.dir)} holds no plugin family (no provd.family.ts): give the folder of the family file`
        : `the family of ${q(a.dir)} does not build (${a.problems.length} problem${a.problems.length === 1 ? '' : 's'}):\n  ${a.problems.join('\n  ')}`,
    file: a.dir,
  }),
  PROVD_TESTING_NO_SUCH_PLUGIN: (a: { plugin: string; known: readonly string[] }) => ({
    message: `no plugin ${q(a.plugin)} here; the plugins are: ${a.known.length > 0 ? a.known.map(q).join(', ') : 'none'}`,
    plugin: a.plugin,
  }),
  PROVD_TESTING_BAD_REQUEST: (a: { what: string; problem: string }) => ({
    message: `the simulated ${a.what} request is not one a phone can send: ${a.problem}`,
  }),
} as const;

/** The error codes of `@provd/testing`. */
export type TestingErrorCode = keyof typeof messages;

/**
 * Creates the `ProvdError` of one of the test kit's codes, its message built from `args`.
 *
 * @example
 * ```ts
 * throw testingError('PROVD_TESTING_NO_SUCH_PLUGIN', { plugin: 'acme-2.0', known: ['acme-1.0'] });
 * ```
 */
export function testingError<C extends TestingErrorCode>(code: C, args: Parameters<(typeof messages)[C]>[0]): ProvdError {
  const spec = (messages[code] as (a: typeof args) => { message: string; file?: string; plugin?: string })(args);
  return new ProvdError(code as unknown as ProvdErrorCode, spec.message, { file: spec.file, plugin: spec.plugin });
}
