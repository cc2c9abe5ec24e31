import { ProvdError, type ProvdErrorCode, type ProvdErrorLocation } from './provd-error';

/** What a code's message function returns: the message and where it points. */
export interface ProvdErrorSpec extends ProvdErrorLocation {
  /** The human-readable message: identifiers in double quotes, what was received, and the fix. */
  message: string;
}

/** The definition of one error code: how its message is built, and its HTTP status where one applies. */
export interface ErrorDefinition<A = never> {
  /** Builds the message (which names the fix) and the location (file, key, device, plugin) from the arguments. */
  message: (args: A) => ProvdErrorSpec;
  /**
   * The HTTP status an API answers when this error reaches it (404 not found, 409 conflict, 502 upstream, 500 bug).
   * Leave it out for a plain user error: an API answers 400.
   */
  status?: number;
}

/** The arguments a definition's message function takes. */
export type ErrorArgs<D> = D extends { message: (args: infer A) => ProvdErrorSpec } ? A : never;

/** The codes of a package and how to raise them, as {@link defineErrors} returns them. */
export interface ErrorCatalog<T extends Record<ProvdErrorCode, ErrorDefinition<never>>> {
  /** The package that owns these codes, e.g. `@provd/host` (the heading of its section in `docs/errors.md`). */
  readonly owner: string;
  /** Every code of the catalog, in definition order. */
  readonly codes: readonly (keyof T & ProvdErrorCode)[];
  /** The definitions, by code. */
  readonly definitions: Readonly<T>;
  /** Builds the {@link ProvdError} of `code` from its arguments; its `status` comes from the definition. */
  create<C extends keyof T & ProvdErrorCode>(code: C, args: ErrorArgs<T[C]>, options?: { cause?: unknown }): ProvdError;
}

/** The codes of an error catalog, e.g. `CodeOf<typeof hostErrors>`. */
export type CodeOf<C> = C extends ErrorCatalog<infer T> ? keyof T & ProvdErrorCode : never;

/** The type of a catalog's `create`, for a package's own error builder (`const hostError: ErrorFactory<typeof hostErrors>`). */
export type ErrorFactory<C> =
  C extends ErrorCatalog<infer T> ? <K extends keyof T & ProvdErrorCode>(code: K, args: ErrorArgs<T[K]>, options?: { cause?: unknown }) => ProvdError : never;

/**
 * Declares the error codes a package owns: for each code, its message (naming the file, key, device or plugin and
 * the fix) and its HTTP status where one applies. Every code must also have its section (**Means:** and **Fix:**) in
 * `docs/errors.md`, under the package's heading.
 *
 * @param owner - The package name, e.g. `@provd/host`.
 * @param definitions - The codes' definitions, by code.
 * @returns The catalog; raise its errors with `catalog.create(code, args)`.
 * @example
 * ```ts
 * const errors = defineErrors('@acme/tool', {
 *   PROVD_ACME_NOT_FOUND: {
 *     status: 404,
 *     message: (a: { name: string }) => ({ message: `no widget "${a.name}"; create it first` }),
 *   },
 * });
 * throw errors.create('PROVD_ACME_NOT_FOUND', { name: 'x' });
 * ```
 */
export function defineErrors<const T extends Record<ProvdErrorCode, ErrorDefinition<never>>>(owner: string, definitions: T): ErrorCatalog<T> {
  return {
    owner,
    codes: Object.keys(definitions) as (keyof T & ProvdErrorCode)[],
    definitions,
    create(code, args, options = {}) {
      const definition = definitions[code] as unknown as ErrorDefinition<typeof args>;
      const { message, ...location } = definition.message(args);
      const clean: ProvdErrorLocation = {};
      for (const [k, v] of Object.entries(location)) if (v !== undefined) clean[k as keyof ProvdErrorLocation] = v;
      return new ProvdError(code, message, {
        ...clean,
        cause: options.cause,
        ...(definition.status !== undefined ? { status: definition.status } : {}),
      });
    },
  };
}
