/**
 * The error codes of the identification and configuration core (`@provd/core`).
 * Every code here has a section in `docs/errors.md` under `@provd/core` (a test checks it).
 */
import { defineErrors, type CodeOf, type ErrorFactory } from '@provd/sdk';

const q = (value: unknown): string => JSON.stringify(String(value));

/** The error catalog of `@provd/core`: its codes and their definitions. */
export const coreErrors = defineErrors('@provd/core', {
  // ── association and extraction ───────────────────────────────────────────────────────────────────────────────────
  PROVD_ASSOCIATOR_FAILED: {
    message: (a: { plugin: string; reason: string }) => ({
      message: `the associator of plugin ${q(a.plugin)} threw: ${a.reason}; the plugin was left out of the choice for this device; fix its associate() so that it returns a DeviceSupport score for any device information`,
      plugin: a.plugin,
    }),
  },
  PROVD_ASSOCIATOR_BAD_SCORE: {
    message: (a: { plugin: string; score: unknown }) => ({
      message: `the associator of plugin ${q(a.plugin)} returned ${typeof a.score} ${q(a.score)} instead of a score; the plugin was left out of the choice for this device; make its associate() return a finite number such as DeviceSupport.PROBABLE (300), synchronously`,
      plugin: a.plugin,
    }),
  },
  // ── validation (schemas) ─────────────────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_HTTP_BASE_URL: {
    message: (a: { value: string; key: string }) => ({
      message: `${q(a.value)} (${q(a.key)}) is not a URL devices can reach: expected an absolute http:// or https:// URL such as "http://10.0.0.1:8667/"`,
      key: a.key,
    }),
  },
});

/** A code of `@provd/core`. */
export type CoreErrorCode = CodeOf<typeof coreErrors>;

/** Builds the `ProvdError` of one of the codes of `@provd/core`. */
export const coreError: ErrorFactory<typeof coreErrors> = coreErrors.create;
