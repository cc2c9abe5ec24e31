/**
 * The typed TypeScript way to declare firmware packages in a plugin, equivalent to a `pkgs.db`: file and graph ids are
 * checked by the compiler, and each install verb takes exactly its arguments.
 */

/** One install step's verb and arguments, typed by verb (the arity of the established installer). */
export type InstallStepDeclaration =
  | readonly ['untar', string]
  | readonly ['unzip', string]
  | readonly ['unrar', string]
  | readonly ['7z', string]
  | readonly ['unsign', string, string]
  | readonly ['include', string, ...string[]]
  | readonly ['exclude', string, ...string[]]
  | readonly ['cp', string, string, ...string[]]
  | readonly ['null'];

/** A remote file, as declared in TypeScript. */
export interface FileDeclaration {
  /** Download URL; leave it out when the file must be placed in `var/cache/` by hand. */
  url?: string;
  /** Exact size in bytes. */
  size: number;
  /** SHA-1, 40 hex digits. */
  sha1: string;
  /** SHA-256, 64 hex digits (recommended). */
  sha256?: string;
  /** Cache file name; defaults to the last segment of the URL. */
  filename?: string;
  /** `auth` to download with the plugin's credentials. */
  downloader?: 'default' | 'auth';
}

/** A package, as declared in TypeScript. */
export interface PackageDeclaration<F extends string, G extends string> {
  /** English description. */
  description: string;
  /** Localised descriptions by locale, e.g. `{ fr: '...' }`. */
  descriptions?: Record<string, string>;
  /** Version, e.g. `2.8.1`. */
  version: string;
  /** The files it needs, in `$FILE1..n` order. */
  files: readonly F[];
  /**
   * The install graph, or `[graph, ...$ARGn values]`. Without one, installing the package downloads and checks its
   * files, places none, and records it as installed (as the established installer does).
   */
  install?: G | readonly [G, ...string[]];
  /** Packages it depends on. */
  depends?: readonly string[];
}

/** A whole package declaration: files, install graphs (steps keyed `"<input>-<output>"`) and packages. */
export interface PackagesDeclaration<F extends string, G extends string> {
  /** Remote files by id. */
  files: Record<F, FileDeclaration>;
  /** Install graphs by id. */
  installs: Record<G, Record<`${string}-${string}`, InstallStepDeclaration>>;
  /** Packages by id. */
  packages: Record<string, PackageDeclaration<NoInfer<F>, NoInfer<G>>>;
}

/**
 * Declares firmware packages in TypeScript. Returns the declaration unchanged, typed so that a package can only name
 * declared files and graphs; the host's firmware installer turns it into a manifest (`manifestFromDeclaration` of
 * `@provd/firmware`).
 *
 * @example
 * ```ts
 * export const packages = definePackages({
 *   files: { firmware: { url: 'https://example.com/fw.tar.gz', size: 237648354, sha1: '4ff1c6b7278c8408eacbf7c3ccf03349343c396b' } },
 *   installs: { 'digium-fw': { 'a-b': ['untar', '$FILE1'], 'b-c': ['cp', '*\/*.eff', 'Digium/firmware/'] } },
 *   packages: { firmware: { description: 'Firmware for all Digium phones', version: '2.8.1', files: ['firmware'], install: 'digium-fw' } },
 * });
 * ```
 */
export function definePackages<const F extends string, const G extends string>(declaration: PackagesDeclaration<F, G>): PackagesDeclaration<F, G> {
  return declaration;
}
