/**
 * Every message provd raises, in one table. Each entry turns the error's arguments into a message plus the location
 * it points at (file, key, device, plugin). Messages put identifiers in double quotes, say what was received and
 * name the fix. Every code here has a section in `docs/errors.md` (a test checks it).
 *
 * Areas are kept together under their heading comment; add a new code under its area, and document it.
 */
import { ProvdError, type ProvdErrorLocation } from './provd-error';

/** What a message template returns: the message and where it points. */
export interface ProvdErrorSpec extends ProvdErrorLocation {
  /** The human-readable message. */
  message: string;
}

const q = (value: unknown): string => JSON.stringify(String(value));

/** The message template of every error code (see `docs/errors.md`). */
export const errorMessages = {
  // ── general ──────────────────────────────────────────────────────────────────────────────────────────────────
  PROVD_INTERNAL: (a: { what: string }) => ({
    message: `internal error: ${a.what}; this is a bug in provd, please report it`,
  }),

  // ── net helpers (MAC, IP, UUID) ───────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_MAC: (a: { value: string; key?: string }) => ({
    message: `${q(a.value)} is not a MAC address: expected 6 pairs of hex digits, optionally separated by ":" or "-" (e.g. "00:0f:d3:05:48:48")`,
    key: a.key,
  }),
  PROVD_INVALID_IP: (a: { value: string; key?: string }) => ({
    message: `${q(a.value)} is not an IPv4 address: expected four decimal numbers 0-255 separated by "." (e.g. "10.0.0.5")`,
    key: a.key,
  }),
  PROVD_INVALID_UUID: (a: { value: string; key?: string }) => ({
    message: `${q(a.value)} is not a UUID: expected 32 hex digits, optionally in the 8-4-4-4-12 form`,
    key: a.key,
  }),

  // ── validation (schemas) ──────────────────────────────────────────────────────────────────────────────────────
  PROVD_INVALID_PLUGIN_INFO: (a: { file: string; errors: readonly string[] }) => ({
    message: `${a.file} is not a valid plugin-info: ${a.errors.join('; ')}`,
    file: a.file,
  }),
  PROVD_INVALID_RAW_CONFIG: (a: { device?: string; errors: readonly string[] }) => ({
    message: `invalid raw config${a.device ? ` for device ${q(a.device)}` : ''}: ${a.errors.join('; ')}`,
    device: a.device,
  }),

  // ── templates ─────────────────────────────────────────────────────────────────────────────────────────────────

  // ── plugins (configure, synchronize) ──────────────────────────────────────────────────────────────────────────

  // ── firmware packages (FetchFw) ───────────────────────────────────────────────────────────────────────────────

  // ── build tool ────────────────────────────────────────────────────────────────────────────────────────────────

  // ── host: install, load, serve ────────────────────────────────────────────────────────────────────────────────

  // ── command line ──────────────────────────────────────────────────────────────────────────────────────────────
} satisfies Record<string, (args: never) => ProvdErrorSpec>;

/** Every stable error code. */
export type ProvdErrorCode = keyof typeof errorMessages;

/** The arguments a code's message template takes. */
export type ProvdErrorArgs<C extends ProvdErrorCode> = Parameters<(typeof errorMessages)[C]>[0];

/** The list of every code, for documentation checks and tooling. */
export const PROVD_ERROR_CODES: readonly ProvdErrorCode[] = Object.keys(errorMessages) as ProvdErrorCode[];

/**
 * Builds the {@link ProvdError} for `code` from its message template.
 *
 * @example
 * ```ts
 * throw createProvdError('PROVD_INVALID_MAC', { value: input, key: 'mac' });
 * ```
 */
export function createProvdError<C extends ProvdErrorCode>(
  code: C,
  args: ProvdErrorArgs<C>,
  options: { cause?: unknown } = {},
): ProvdError {
  const template = errorMessages[code] as (a: ProvdErrorArgs<C>) => ProvdErrorSpec;
  const { message, ...location } = template(args);
  const clean: ProvdErrorLocation = {};
  for (const [k, v] of Object.entries(location)) if (v !== undefined) clean[k as keyof ProvdErrorLocation] = v;
  return new ProvdError(code, message, { ...clean, cause: options.cause });
}
