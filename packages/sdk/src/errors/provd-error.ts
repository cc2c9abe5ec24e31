/**
 * A stable error code, `PROVD_<AREA>_<WHAT>`. Each package declares its own codes with {@link defineErrors}; every
 * code is documented in `docs/errors.md`, under the package that owns it.
 */
export type ProvdErrorCode = `PROVD_${string}`;

/** Where an error points: the file, key, device or plugin a user has to look at to fix it. */
export interface ProvdErrorLocation {
  /** The file the error is about (a path as the user gave it, or relative to a plugin folder). */
  file?: string;
  /** The key, section or JSON path inside that file or object, e.g. `sip_lines.1.proxy_ip`. */
  key?: string;
  /** The device the error is about: its id, or its MAC when it has no id yet. */
  device?: string;
  /** The plugin id the error is about. */
  plugin?: string;
}

/** The JSON form of a {@link ProvdError}. */
export interface ProvdErrorJson extends ProvdErrorLocation {
  /** The stable code. */
  code: ProvdErrorCode;
  /** The message. */
  message: string;
}

/** Options accepted by the {@link ProvdError} constructor. */
export interface ProvdErrorOptions extends ProvdErrorLocation {
  /** The underlying error, if any. */
  cause?: unknown;
  /** The HTTP status an API answers this error with, from the code's definition (see {@link defineErrors}). */
  status?: number;
}

/**
 * The one error class of provd: every error the SDK, the build tool and the host raise on purpose is a `ProvdError`
 * with a stable {@link ProvdErrorCode}. Each package builds its errors from its own catalog ({@link defineErrors});
 * the SDK's is {@link createProvdError}. Every code is documented in `docs/errors.md`.
 *
 * @example
 * ```ts
 * try {
 *   normMac('zz');
 * } catch (err) {
 *   if (isProvdError(err, 'PROVD_INVALID_MAC')) console.error(err.message);
 * }
 * ```
 */
export class ProvdError extends Error {
  /** The stable code: what went wrong, independent of the message wording. */
  readonly code: ProvdErrorCode;
  /** The file the error is about, if any. */
  readonly file?: string;
  /** The key or JSON path the error is about, if any. */
  readonly key?: string;
  /** The device the error is about, if any. */
  readonly device?: string;
  /** The plugin the error is about, if any. */
  readonly plugin?: string;
  /** The HTTP status an API answers with, when the code's definition gives one (an API answers 400 otherwise). */
  readonly status?: number;

  /** Prefer a catalog's `create` (such as {@link createProvdError}), which builds the message from the code's definition. */
  constructor(code: ProvdErrorCode, message: string, options: ProvdErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProvdError';
    this.code = code;
    if (options.file !== undefined) this.file = options.file;
    if (options.key !== undefined) this.key = options.key;
    if (options.device !== undefined) this.device = options.device;
    if (options.plugin !== undefined) this.plugin = options.plugin;
    if (options.status !== undefined) this.status = options.status;
  }

  /** A plain JSON form, for `--json` output and API responses. */
  toJSON(): ProvdErrorJson {
    const json: ProvdErrorJson = { code: this.code, message: this.message };
    if (this.file !== undefined) json.file = this.file;
    if (this.key !== undefined) json.key = this.key;
    if (this.device !== undefined) json.device = this.device;
    if (this.plugin !== undefined) json.plugin = this.plugin;
    return json;
  }
}

/**
 * Tells whether `err` is a {@link ProvdError}, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isProvdError(err, 'PROVD_PLUGIN_SDK_MISMATCH')) process.exitCode = 1;
 * ```
 */
export function isProvdError(err: unknown, code?: ProvdErrorCode): err is ProvdError {
  return err instanceof ProvdError && (code === undefined || err.code === code);
}
